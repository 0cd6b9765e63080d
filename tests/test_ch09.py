"""Chapter 09: the notebook's explanation methods, checked against references.

The functions are taken from the notebook itself (its code cells are parsed and only the
named definitions are run), so these tests check the code the reader sees, not a copy.
"""

import ast
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
import torch.nn.functional as F
from sklearn.linear_model import Ridge

from helpers.demos import ch09 as demos
from helpers.exercises import ch09 as exercises

NB = Path(__file__).resolve().parents[1] / "book" / "09_explainable_ai.ipynb"
WANTED = {
    "score",
    "gradient",
    "occlusion",
    "saliency",
    "smoothgrad",
    "integrated_gradients",
    "total_variation",
    "deletion_curve",
    "ridge_probe",
    "lime_fit",
}


@pytest.fixture(scope="module")
def ch():
    """The chapter's definitions, in a namespace with the imports they use."""
    ns = {"np": np, "torch": torch, "nn": nn, "F": F, "K": 10}
    for cell in json.loads(NB.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        if "%pip" in src:
            continue
        for node in ast.parse(src).body:
            if isinstance(node, ast.FunctionDef) and node.name in WANTED:
                exec(compile(ast.Module([node], []), str(NB), "exec"), ns)
    missing = WANTED - ns.keys()
    assert not missing, f"not found in the notebook: {missing}"
    return type("Chapter", (), ns)


def _net(seed=0, act=nn.ReLU):
    torch.manual_seed(seed)
    net = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), act(), nn.Flatten(), nn.Linear(256, 10)
    ).double()
    return net.requires_grad_(False)


def _images(n, seed=0):
    return torch.rand(
        n, 1, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)
    )


def test_score_picks_each_images_class_with_leading_axes(ch):
    net, x = _net(), _images(4)
    c = torch.tensor([0, 3, 7, 9])
    p = net(x).softmax(-1)[range(4), c]
    torch.testing.assert_close(ch.score(net, x, c), p)
    stacked = torch.stack([x, x, x])  # (3, B, 1, 8, 8)
    torch.testing.assert_close(ch.score(net, stacked, c), p.expand(3, 4))
    torch.testing.assert_close(ch.score(net, x, c, prob=False), net(x)[range(4), c])


def test_saliency_is_the_diagonal_of_autograds_jacobian(ch):
    net, x, c = _net(), _images(5), torch.arange(5)
    f = lambda z: ch.score(net, z, c)
    J = torch.autograd.functional.jacobian(f, x)  # (5, 5, 1, 8, 8)
    torch.testing.assert_close(ch.saliency(f, x), J[range(5), range(5)].abs())


def test_gradient_matches_finite_differences(ch):
    net, x = _net(act=nn.Tanh), _images(1)
    f = lambda z: ch.score(net, z.view(1, 1, 8, 8), torch.tensor([2]))[0]
    num = torch.zeros(64, dtype=torch.float64)
    for i in range(64):
        e = torch.zeros(64, dtype=torch.float64)
        e[i] = 1e-6
        num[i] = (f(x.flatten() + e) - f(x.flatten() - e)) / 2e-6
    torch.testing.assert_close(ch.gradient(f, x).flatten(), num, rtol=1e-5, atol=1e-8)


def test_occlusion_equals_one_patch_at_a_time(ch):
    net, x, c = _net(), _images(2), torch.tensor([1, 4])
    f = lambda z: ch.score(net, z, c)
    for size in (1, 3):
        heat = ch.occlusion(f, x, size=size)
        total, count = torch.zeros(2, 8, 8, dtype=torch.float64), torch.zeros(8, 8)
        for i in range(9 - size):
            for j in range(9 - size):
                hole = x.clone()
                hole[..., i : i + size, j : j + size] = 0
                drop = f(x) - f(hole)  # (2,)
                total[:, i : i + size, j : j + size] += drop[:, None, None]
                count[i : i + size, j : j + size] += 1
        torch.testing.assert_close(heat[:, 0].double(), total / count.double())


def test_smoothgrad_is_the_mean_saliency_of_the_noisy_copies(ch):
    net, x, c = _net(), _images(3), torch.arange(3)
    f = lambda z: ch.score(net, z, c)
    g = torch.Generator().manual_seed(0)
    sg = ch.smoothgrad(f, x.float().double(), 0.2, 5, g)
    eps = 0.2 * torch.randn((5, 3, 1, 8, 8), generator=torch.Generator().manual_seed(0))
    loop = torch.stack([ch.saliency(f, x + e) for e in eps]).mean(0)
    torch.testing.assert_close(sg, loop)
    torch.testing.assert_close(ch.smoothgrad(f, x, 0.0, 3, g), ch.saliency(f, x))


def test_integrated_gradients_are_complete_and_exact_on_linear_scores(ch):
    net, x, c = _net(act=nn.Tanh), _images(4), torch.arange(4)
    f = lambda z: ch.score(net, z, c)
    base = torch.zeros_like(x)
    ig = ch.integrated_gradients(f, x, base, 256)
    torch.testing.assert_close(ig.sum((1, 2, 3)), f(x) - f(base), rtol=1e-4, atol=1e-6)
    w = torch.randn(1, 8, 8, dtype=torch.float64)
    f_lin = lambda z: (z * w).sum((-3, -2, -1))
    torch.testing.assert_close(ch.integrated_gradients(f_lin, x, base, 3), x * w)


def test_total_variation_scales_then_matches_the_exercise(ch):
    maps = _images(3).abs()
    scaled = maps[:, 0] / maps[:, 0].sum((1, 2), keepdim=True)
    torch.testing.assert_close(
        ch.total_variation(maps), exercises.total_variation(scaled)
    )
    flat = torch.ones(1, 1, 5, 5)
    assert ch.total_variation(flat).item() == 0.0


def test_deletion_curve_runs_from_the_input_to_the_blank_image(ch):
    net, x, c = _net(), _images(3), torch.arange(3)
    f = lambda z: ch.score(net, z, c)
    curve = ch.deletion_curve(f, x, torch.rand(x.shape), [0, 64])
    assert curve[0] == pytest.approx(f(x).mean().item())
    assert curve[1] == pytest.approx(f(torch.zeros_like(x)).mean().item())


def test_ridge_probe_and_lime_fit_match_sklearn_ridge(ch):
    g = torch.Generator().manual_seed(1)
    H = torch.randn(80, 7, dtype=torch.float64, generator=g)
    T = F.one_hot(torch.arange(80) % 4).double()
    W, b = ch.ridge_probe(H, T, 3.0)
    sk = Ridge(alpha=3.0).fit(H.numpy(), T.numpy())
    torch.testing.assert_close(W, torch.from_numpy(sk.coef_.T))
    torch.testing.assert_close(b, torch.from_numpy(sk.intercept_))
    Z = (torch.rand(120, 16, generator=g) < 0.6).double()
    y, pi = torch.rand(120, generator=g).double(), torch.rand(120, generator=g).double()
    v, b = ch.lime_fit(Z, y, pi, 0.5)
    sk = Ridge(alpha=0.5).fit(Z.numpy(), y.numpy(), sample_weight=pi.numpy())
    torch.testing.assert_close(v, torch.from_numpy(sk.coef_))
    torch.testing.assert_close(b, torch.tensor(sk.intercept_, dtype=torch.float64))


def test_exercise_reference_is_complete():
    W = torch.randn(5, 3, dtype=torch.float64)
    f = lambda X: torch.tanh(X @ W).sum(1)
    x, base = torch.randn(5, dtype=torch.float64), torch.zeros(5, dtype=torch.float64)
    ig = exercises.integrated_gradients(f, x, base, 300)
    torch.testing.assert_close(
        ig.sum(), f(x[None])[0] - f(base[None])[0], rtol=1e-4, atol=1e-6
    )


def test_demo_attribution_and_bad_input():
    net = _net().float()
    x = _images(1).float()
    ig, gap = demos.attribute(net, x, 3, "integrated gradients", 0.0, 128)
    assert ig.shape == (8, 8) and abs(gap) < 1e-3
    sal, none = demos.attribute(net, x, 3, "saliency", 0.0, 1)
    assert none is None and (sal >= 0).all()
    with pytest.raises(ValueError, match="method"):
        demos.attribute(net, x, 3, "LIME", 0.1, 4)
    with pytest.raises(ValueError, match="steps"):
        demos.attribute(net, x, 3, "SmoothGrad", 0.1, 0)
    with pytest.raises(ValueError, match="images"):
        demos.explain(net, torch.zeros(3, 8, 8), [0, 1, 2])
