"""Chapter 10: FGSM step, L-infinity projection and targeted loss against PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from helpers.demos import ch10
from helpers.exercises import ch10 as ex


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))


def test_fgsm_is_eps_times_the_sign_of_the_autograd_gradient():
    net, g = _net(), torch.Generator().manual_seed(1)
    x0, y, eps = torch.rand(5, 64, generator=g), torch.arange(5), 0.1
    x = x0.clone().requires_grad_()
    F.cross_entropy(net(x), y).backward()
    x_adv = ex.fgsm_step_ref(x0, x.grad, eps)
    inside = (x0 + eps * x.grad.sign() >= 0) & (x0 + eps * x.grad.sign() <= 1)
    torch.testing.assert_close((x_adv - x0)[inside], (eps * x.grad.sign())[inside])
    assert x_adv.min() >= 0 and x_adv.max() <= 1
    assert (x_adv - x0).abs().max() <= eps + 1e-7
    with torch.no_grad():  # the step raises the loss of this network
        assert F.cross_entropy(net(x_adv), y) > F.cross_entropy(net(x0), y)


def test_fgsm_direction_maximizes_the_linearized_gain_over_corners():
    g = torch.randn(64, generator=torch.Generator().manual_seed(2))
    best = (0.1 * g.sign() * g).sum()
    torch.testing.assert_close(best, 0.1 * g.abs().sum())
    corners = torch.randint(
        0, 2, (2000, 64), generator=torch.Generator().manual_seed(3)
    )
    assert ((0.1 * (2 * corners - 1.0) * g).sum(-1) <= best + 1e-6).all()


def test_projection_is_the_closest_allowed_point_on_a_grid():
    grid = torch.stack(
        torch.meshgrid(
            *[torch.linspace(0, 1, 201, dtype=torch.float64)] * 2, indexing="ij"
        ),
        -1,
    ).view(-1, 2)
    g = torch.Generator().manual_seed(4)
    for _ in range(10):
        x0 = torch.rand(2, generator=g, dtype=torch.float64)
        x = torch.rand(2, generator=g, dtype=torch.float64) * 2 - 0.5
        allowed = grid[(grid - x0).abs().max(1).values <= 0.25 + 1e-9]
        closest = allowed[(allowed - x).norm(dim=1).argmin()]
        torch.testing.assert_close(
            ex.project_linf_ref(x, x0, 0.25), closest, atol=6e-3, rtol=0
        )


def test_projection_keeps_budget_and_range_and_is_idempotent():
    g = torch.Generator().manual_seed(5)
    x0 = torch.rand(8, 64, generator=g)
    x = x0 + torch.randn(8, 64, generator=g)
    p = ex.project_linf_ref(x, x0, 0.1)
    assert (p - x0).abs().max() <= 0.1 + 1e-7 and p.min() >= 0 and p.max() <= 1
    torch.testing.assert_close(ex.project_linf_ref(p, x0, 0.1), p)


def test_targeted_loss_matches_log_softmax():
    g = torch.Generator().manual_seed(6)
    z, y, t = (
        torch.randn(6, 10, generator=g),
        torch.arange(6),
        (torch.arange(6) + 3) % 10,
    )
    logp = torch.log_softmax(z, -1)
    ref = (logp[torch.arange(6), y] - logp[torch.arange(6), t]).mean()  # -e(y) + e(t)
    torch.testing.assert_close(ex.targeted_loss_ref(z, y, t), ref)


def test_demo_adds_at_most_eps_and_rejects_bad_input():
    demo = ch10.examples()["eps_attack"]
    fig = demo.render(eps=0.3, direction="FGSM")
    shown = fig.axes[2].get_images()[0].get_array()
    assert np.isfinite(np.asarray(shown)).all()
    x0, W, b = np.full(64, 0.5), np.zeros((64, 10)), np.zeros(10)
    with pytest.raises(ValueError, match="64 pixels"):
        ch10.eps_attack(np.zeros(10), {"a": np.ones(64)}, [W], [b], 0)
    with pytest.raises(ValueError, match="64 entries"):
        ch10.eps_attack(x0, {"a": np.ones(3)}, [W], [b], 0)
    with pytest.raises(ValueError, match="label"):
        ch10.eps_attack(x0, {"a": np.ones(64)}, [W], [b], 12)
    with pytest.raises(ValueError, match="at least one"):
        ch10.eps_attack(x0, {}, [W], [b], 0)
