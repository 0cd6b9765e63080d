"""Chapter 06: the notebook's from-scratch functions against PyTorch, SciPy or a closed form.

The functions are taken from the notebook itself (its code cells are parsed and only the named
definitions are run), so these tests check the code the reader sees, not a copy.
"""

import ast
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import scipy.stats
import torch
import torch.nn as nn
import torch.nn.functional as F

NB = Path(__file__).resolve().parents[1] / "book" / "06_generation.ipynb"
WANTED = {
    "gan_value",
    "gan_generator_loss",
    "wasserstein_1d",
    "gradient_penalty",
    "spectral_norm_power",
    "EnsembleMLP",
    "inception_score",
    "sqrtm_psd",
    "frechet_distance",
    "q_sample",
}


@pytest.fixture(scope="module")
def ch():
    """The chapter's definitions, in a namespace with the imports they use."""
    ns = {
        "math": math,
        "np": np,
        "torch": torch,
        "nn": nn,
        "F": F,
        "dataclass": dataclass,
    }
    for cell in json.loads(NB.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        if "%pip" in src:
            continue
        for node in ast.parse(src).body:
            if (
                isinstance(node, (ast.FunctionDef, ast.ClassDef))
                and node.name in WANTED
            ):
                exec(compile(ast.Module([node], []), str(NB), "exec"), ns)
    missing = WANTED - ns.keys()
    assert not missing, f"not found in the notebook: {missing}"
    return type("Chapter", (), ns)


def test_gan_value_is_minus_bce(ch):
    g = torch.Generator().manual_seed(0)
    lr, lf = torch.randn(32, generator=g), torch.randn(32, generator=g)
    bce = F.binary_cross_entropy_with_logits(
        lr, torch.ones(32)
    ) + F.binary_cross_entropy_with_logits(lf, torch.zeros(32))
    torch.testing.assert_close(ch.gan_value(lr, lf), -bce)
    torch.testing.assert_close(
        ch.gan_generator_loss(lf),
        F.binary_cross_entropy_with_logits(lf, torch.ones(32)),
    )


def test_wasserstein_1d_matches_scipy(ch):
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(300, generator=g), 3 * torch.rand(300, generator=g)
    expected = scipy.stats.wasserstein_distance(a.numpy(), b.numpy())
    torch.testing.assert_close(
        ch.wasserstein_1d(a, b), torch.tensor(expected, dtype=torch.float32)
    )


def test_gradient_penalty_of_linear_and_quadratic_critics(ch):
    g = torch.Generator().manual_seed(2)
    y_r, y_f, eps = (
        torch.randn(16, 3, generator=g),
        torch.randn(16, 3, generator=g),
        torch.rand(16, 1, generator=g),
    )
    w = torch.tensor([1.0, 2.0, 2.0])  # |grad| = 3
    torch.testing.assert_close(
        ch.gradient_penalty(lambda y: y @ w, y_r, y_f, eps), torch.tensor(4.0)
    )
    y_hat = eps * y_r + (1 - eps) * y_f  # D = |y|^2 / 2: grad = y
    expected = ((y_hat.norm(dim=-1) - 1) ** 2).mean()
    torch.testing.assert_close(
        ch.gradient_penalty(lambda y: 0.5 * (y**2).sum(-1), y_r, y_f, eps), expected
    )


def test_spectral_norm_power_matches_svd(ch):
    g = torch.Generator().manual_seed(3)
    W = torch.randn(40, 20, generator=g)
    torch.testing.assert_close(
        ch.spectral_norm_power(W, n_iter=300, generator=g),
        torch.linalg.matrix_norm(W, 2),
        rtol=1e-3,
        atol=1e-3,
    )


def test_ensemble_members_are_independent_linear_stacks(ch):
    g = torch.Generator().manual_seed(4)
    ens = ch.EnsembleMLP(2, [3, 8, 1], g)
    x = torch.randn(2, 5, 3, generator=g)
    for s in range(2):
        ref = F.linear(
            torch.relu(F.linear(x[s], ens.W[0][s].T, ens.b[0][s, 0])),
            ens.W[1][s].T,
            ens.b[1][s, 0],
        )
        torch.testing.assert_close(ens(x)[s], ref)
    ens(x)[0].sum().backward()  # member 1 gets no gradient
    assert ens.W[0].grad[1].abs().sum() == 0 and ens.W[0].grad[0].abs().sum() > 0


def test_inception_score_matches_scipy_and_bounds(ch):
    g = torch.Generator().manual_seed(5)
    p = F.softmax(2 * torch.randn(100, 10, generator=g), 1).double()
    kl = [scipy.stats.entropy(pi, p.mean(0).numpy()) for pi in p.numpy()]
    torch.testing.assert_close(
        ch.inception_score(p), torch.tensor(np.exp(np.mean(kl)), dtype=torch.float64)
    )
    torch.testing.assert_close(
        ch.inception_score(torch.eye(10).repeat(3, 1)),
        torch.tensor(10.0),
        rtol=1e-4,
        atol=1e-4,
    )


def test_frechet_distance_matches_scipy_and_closed_form(ch):
    g = torch.Generator().manual_seed(6)
    fa = torch.randn(400, 4, generator=g)
    fb = torch.randn(400, 4, generator=g) @ torch.randn(4, 4, generator=g) + 1
    Sa, Sb = np.cov(fa.T.numpy()), np.cov(fb.T.numpy())
    expected = ((fa.mean(0) - fb.mean(0)) ** 2).sum().item() + np.trace(
        Sa + Sb - 2 * scipy.linalg.sqrtm(Sa @ Sb).real
    )
    torch.testing.assert_close(
        ch.frechet_distance(fa, fb), torch.tensor(expected, dtype=torch.float64)
    )
    a1, b1 = fa[:, :1], 2 * fa[:, 1:2] - 1  # 1-D: (mu1 - mu2)^2 + (s1 - s2)^2
    closed = ((a1.mean() - b1.mean()) ** 2 + (a1.std() - b1.std()) ** 2).double()
    torch.testing.assert_close(ch.frechet_distance(a1, b1), closed)
    S = torch.cov(fb.T.double())
    torch.testing.assert_close(ch.sqrtm_psd(S) @ ch.sqrtm_psd(S), S)


def test_q_sample_matches_running_the_chain(ch):
    T = 30
    beta = torch.linspace(1e-4, 0.2, T)
    ch.q_sample.__globals__["alpha_bar"] = torch.cumprod(
        1 - beta, 0
    )  # q_sample reads the chapter's schedule
    g = torch.Generator().manual_seed(7)
    x0 = torch.tensor([2.0, -1.0]).expand(20000, 2)
    x = x0.clone()
    for t in range(T):
        x = (1 - beta[t]).sqrt() * x + beta[t].sqrt() * torch.randn(
            x.shape, generator=g
        )
    direct = ch.q_sample(
        x0, torch.full((20000,), T - 1), torch.randn(20000, 2, generator=g)
    )
    torch.testing.assert_close(x.mean(0), direct.mean(0), atol=0.03, rtol=0)
    torch.testing.assert_close(x.std(0), direct.std(0), atol=0.03, rtol=0)


def test_demos_reject_bad_shapes():
    from helpers.demos import ch06

    with pytest.raises(ValueError, match="n_snaps"):
        ch06.gan_training(
            np.zeros((3, 3, 10, 2)),
            np.zeros((3, 3)),
            np.zeros((3, 3)),
            np.zeros((8, 2)),
            10,
        )
    with pytest.raises(ValueError, match="share a shape"):
        ch06.diffusion_time(np.zeros((5, 10, 2)), np.zeros((4, 10, 2)))


def test_exercise_references_agree_with_the_chapter(ch):
    """The checkers' reference answers are the chapter's own functions, written out again."""
    from helpers.exercises import ch06 as ex

    g = torch.Generator().manual_seed(5)
    y_r, y_f, eps = (
        torch.randn(7, 2, generator=g),
        torch.randn(7, 2, generator=g),
        torch.rand(7, 1, generator=g),
    )
    critic = lambda y: torch.tanh(y @ torch.tensor([[1.0, -2.0], [0.5, 1.5]])).sum(-1)
    torch.testing.assert_close(
        ex.gradient_penalty(critic, y_r, y_f, eps),
        ch.gradient_penalty(critic, y_r, y_f, eps),
    )
    ch.alpha_bar = torch.cumprod(
        1 - torch.linspace(1e-4, 0.15, 100), 0
    )  # the chapter's schedule
    ns = {"alpha_bar": ch.alpha_bar}
    ns.update(vars(ch))
    x0, t, e = (
        torch.randn(4, 3, generator=g),
        torch.tensor([0, 9, 50, 99]),
        torch.randn(4, 3, generator=g),
    )
    q = type(ch.q_sample)(
        ch.q_sample.__code__, ns
    )  # the notebook's q_sample, this schedule
    torch.testing.assert_close(ex.q_sample(x0, t, e, ch.alpha_bar), q(x0, t, e))
