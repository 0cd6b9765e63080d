"""Chapter 13: masked stacked MLPs, and the from-scratch pieces the chapter checks."""

import warnings

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from helpers import masked, stacked
from helpers.demos import ch13 as demos
from helpers.exercises import ch13 as ex

SIZES = [6, 5, 4, 3]


def test_init_and_forward_match_plain_modules():
    W, b = masked.init(SIZES, [3, 4])
    X = torch.randn(7, 6)
    out = masked.forward(W, b, masked.ones_like(W), X)
    assert out.shape == (2, 7, 3)
    for i, s in enumerate([3, 4]):
        torch.manual_seed(s)
        net = stacked.mlp(SIZES)
        torch.testing.assert_close(out[i], net(X).detach())
        torch.testing.assert_close(masked.member(W, b, i)(X), net(X))


def test_masks_remove_weights_and_fit_keeps_them_zero():
    W, b = masked.init(SIZES, [0, 1, 2])
    M = [(torch.rand_like(w) > 0.5).float() for w in W]
    X, y = torch.randn(40, 6), torch.randint(0, 3, (40,))
    before = masked.forward(W, b, M, X)
    zeroed = [w * m for w, m in zip(W, M)]
    torch.testing.assert_close(
        before, masked.forward(zeroed, b, masked.ones_like(W), X)
    )
    loss = masked.fit(W, b, M, X, y, epochs=3, lr=1e-2, batch_size=8)
    assert loss.shape == (3,) and torch.isfinite(loss).all()
    for w, m in zip(W, M):
        assert (w[m == 0] == 0).all()


def test_fit_trains_each_copy_as_alone():
    """Copy 1 of a stack ends where a stack of that copy alone ends."""
    X, y = torch.randn(30, 6), torch.randint(0, 3, (30,))
    W2, b2 = masked.init(SIZES, [5, 6])
    W1, b1 = masked.init(SIZES, [6])
    masked.fit(W2, b2, masked.ones_like(W2), X, y, 2, 1e-2, 8, seeds=[5, 6])
    masked.fit(W1, b1, masked.ones_like(W1), X, y, 2, 1e-2, 8, seeds=[6])
    for a, c in zip(W2, W1):
        torch.testing.assert_close(a[1], c[0], rtol=1e-4, atol=1e-5)


def test_bad_inputs_get_clear_errors():
    W, b = masked.init(SIZES, [0])
    with pytest.raises(ValueError, match="X must be"):
        masked.forward(W, b, masked.ones_like(W), torch.randn(3, 5))
    with pytest.raises(ValueError, match="disagree"):
        masked.fit(W, b, masked.ones_like(W), torch.randn(4, 6), torch.zeros(3), 1)
    with pytest.raises(ValueError, match="at least one seed"):
        masked.init(SIZES, [])
    with pytest.raises(ValueError, match="10 logits"):
        demos.temperature([1.0, 2.0], torch.zeros(8, 8), 1)


def test_distillation_loss_and_its_gradient():
    z = torch.randn(4, 10, dtype=torch.float64, requires_grad=True)
    v = torch.randn(4, 10, dtype=torch.float64)
    T = 3.0
    p, log_q = F.softmax(v / T, -1), F.log_softmax(z / T, -1)
    ours = T**2 * (p * (p.log() - log_q)).sum(-1).mean()
    torch.testing.assert_close(ex.kd_loss_ref(z, v, T), ours)
    (g,) = torch.autograd.grad(ours, z)
    torch.testing.assert_close(g, T * (log_q.exp() - p).detach() / 4)


def test_fake_quantize_matches_quantize_dynamic():
    torch.manual_seed(0)
    lin = nn.Linear(16, 8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = torch.ao.quantization.quantize_dynamic(
            nn.Sequential(lin), {nn.Linear}, dtype=torch.qint8
        )
        theirs = q[0].weight().dequantize()
    ours = ex.fake_quantize_ref(lin.weight.detach(), 8)
    s = lin.weight.abs().max().item() / 127.5
    torch.testing.assert_close(ours, theirs, atol=s * 1.01, rtol=0)
    assert len(torch.unique(ex.fake_quantize_ref(torch.randn(100), 2))) <= 4


def test_separable_parameter_count_and_output():
    k, I, O = 3, 4, 10
    dw = nn.Conv2d(I, I, k, groups=I, bias=False)
    pw = nn.Conv2d(I, O, 1, bias=False)
    n = dw.weight.numel() + pw.weight.numel()
    assert n == int(ex.separable_params_ref(k, I, O))
    standard = nn.Conv2d(I, O, k, bias=False).weight.numel()
    assert standard / n == pytest.approx(k * k * O / (k * k + O))


def test_svd_truncation_error_is_the_tail_of_the_spectrum():
    Wm = torch.randn(12, 7, dtype=torch.float64)
    U, S, Vh = torch.linalg.svd(Wm, full_matrices=False)
    r = 3
    Wr = (U[:, :r] * S[:r]) @ Vh[:r]
    torch.testing.assert_close(torch.linalg.norm(Wm - Wr), (S[r:] ** 2).sum().sqrt())
