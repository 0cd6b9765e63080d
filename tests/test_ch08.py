"""Chapter 08: helpers.autoencoder and the notebook's from-scratch functions against PyTorch or sklearn.

The notebook's functions are taken from the notebook itself (its code cells are parsed and only the
named definitions are run), so these tests check the code the reader sees, not a copy.
"""

import ast
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score, roc_curve

from helpers import autoencoder
from helpers.demos import ch08 as demos

NB = Path(__file__).resolve().parents[1] / "book" / "08_autoencoders.ipynb"
WANTED = {
    "pca_fit",
    "pca_reconstruct",
    "vector_quantize",
    "gaussian_kl",
    "roc",
    "auroc_trapezoid",
    "purity",
}


@pytest.fixture(scope="module")
def ch():
    """The chapter's definitions, in a namespace with the imports they use."""
    ns = {"math": math, "np": np, "torch": torch, "nn": nn}
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


# ---------------------------------------------------------------- helpers.autoencoder


def test_stacked_members_equal_their_nn_linear_stacks_and_follow_their_seeds():
    mlp = autoencoder.StackedMLP([5, 7, 3], seeds=[0, 1, 2])
    x = torch.randn(3, 4, 5)
    for s in range(3):
        torch.testing.assert_close(mlp(x)[s], mlp.member(s)(x[s]))
    again = autoencoder.StackedMLP(
        [5, 7, 3], seeds=[2]
    )  # seed 2 alone gives member 2's weights
    torch.testing.assert_close(again.W[0][0], mlp.W[0][2])
    # nn.Linear's default init bound 1/sqrt(d_in)
    assert mlp.W[0].abs().max() <= 1 / math.sqrt(5) and mlp.W[
        1
    ].abs().max() <= 1 / math.sqrt(7)


def test_autoencoder_masks_codes_and_linear_variant_has_no_hidden_layer():
    ae = autoencoder.AutoEncoder(6, hidden=4, d=3, seeds=[0, 1], code_sizes=[1, 3])
    z = ae.encode(torch.rand(2, 5, 6))
    assert z.shape == (2, 5, 3) and (z[0, :, 1:] == 0).all() and (z[1] != 0).any()
    x_hat = ae(torch.rand(2, 5, 6))
    assert ((x_hat > 0) & (x_hat < 1)).all()
    lin = autoencoder.AutoEncoder(6, hidden=4, d=3, seeds=[0], linear=True)
    assert [W.shape for W in lin.encoder.W] == [(1, 6, 3)] and [
        W.shape for W in lin.decoder.W
    ] == [(1, 3, 6)]
    x = torch.randn(1, 2, 6)
    W, b, V, c = (
        lin.encoder.W[0][0],
        lin.encoder.b[0][0],
        lin.decoder.W[0][0],
        lin.decoder.b[0][0],
    )
    torch.testing.assert_close(lin(x)[0], (x[0] @ W + b) @ V + c)


def test_bad_input_gets_a_clear_message():
    with pytest.raises(ValueError, match="code_sizes"):
        autoencoder.AutoEncoder(6, 4, 3, seeds=[0, 1], code_sizes=[1, 5])
    with pytest.raises(ValueError, match="shape"):
        autoencoder.StackedMLP([5, 3], seeds=[0, 1])(torch.zeros(3, 4, 5))
    with pytest.raises(ValueError, match="seeds"):
        autoencoder.StackedMLP([5, 3], seeds=[])
    ae = autoencoder.AutoEncoder(6, 4, 3, seeds=[0])
    with pytest.raises(ValueError, match="batch"):
        autoencoder.fit(
            ae,
            lambda m, x, t, s: ((m(x) - t) ** 2).mean((1, 2)),
            torch.rand(10, 6),
            [0],
            steps=1,
            batch=20,
        )


def test_gaussian_kl_matches_torch_distributions():
    mu, lv = (
        torch.randn(5, 3, dtype=torch.float64),
        torch.randn(5, 3, dtype=torch.float64),
    )
    q = torch.distributions.Normal(mu, (0.5 * lv).exp())
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    torch.testing.assert_close(
        autoencoder.gaussian_kl(mu, lv), torch.distributions.kl_divergence(q, p).sum(-1)
    )


def test_reparameterize_has_the_right_moments_and_gradients():
    mu = torch.full((100_000,), 2.0, requires_grad=True)
    lv = torch.full((100_000,), math.log(0.25), requires_grad=True)
    z = autoencoder.reparameterize(mu, lv, torch.Generator().manual_seed(0))
    assert abs(z.mean().item() - 2.0) < 0.01 and abs(z.var().item() - 0.25) < 0.01
    z.sum().backward()
    torch.testing.assert_close(mu.grad, torch.ones_like(mu))
    eps = (z.detach() - 2.0) / 0.5
    torch.testing.assert_close(lv.grad, 0.5 * 0.5 * eps)


def test_vae_encodes_mean_and_logvar_and_fit_lowers_the_loss():
    vae = autoencoder.VAE(8, hidden=6, d=2, seeds=[0, 1])
    mu, lv = vae.encode(torch.rand(2, 3, 8))
    assert mu.shape == lv.shape == (2, 3, 2)
    x = torch.rand(50, 8)
    hist = autoencoder.fit(
        vae,
        lambda m, xb, t, s: ((m(xb)[0] - t) ** 2).sum(-1).mean(1),
        x,
        [0, 1],
        steps=150,
        batch=16,
        lr=1e-2,
    )
    assert hist.shape == (150, 2) and (hist[-20:].mean(0) < hist[:5].mean(0)).all()


# ---------------------------------------------------------------- the notebook's functions


def test_pca_matches_sklearn(ch):
    X = torch.rand(60, 7, dtype=torch.float64) @ torch.rand(7, 7, dtype=torch.float64)
    mu, U, _ = ch.pca_fit(X, 3)
    sk = PCA(3).fit(X.numpy())
    torch.testing.assert_close(
        ch.pca_reconstruct(X, mu, U),
        torch.from_numpy(sk.inverse_transform(sk.transform(X.numpy()))),
    )


def test_vector_quantize_picks_the_nearest_code_with_a_straight_through_gradient(ch):
    g = torch.Generator().manual_seed(0)
    z_e = torch.randn(2, 6, 3, generator=g, requires_grad=True)  # batched: (S, B, d)
    book = torch.randn(2, 4, 3, generator=g, requires_grad=True)
    z_q, e, k = ch.vector_quantize(z_e, book)
    nearest = ((z_e[:, :, None] - book[:, None]) ** 2).sum(-1).argmin(-1)
    assert torch.equal(k, nearest)
    torch.testing.assert_close(z_q, torch.stack([book[s, k[s]] for s in range(2)]))
    w = torch.randn(2, 6, 3, generator=g)
    (w * z_q).sum().backward()
    torch.testing.assert_close(z_e.grad, w)  # passed straight through
    assert book.grad is None or torch.all(
        book.grad == 0
    )  # the reconstruction path does not move the codebook


def test_roc_and_auroc_match_sklearn_with_ties(ch):
    g = torch.Generator().manual_seed(3)
    y = torch.rand(300, generator=g) < 0.15
    s = (torch.randn(300, generator=g, dtype=torch.float64) + 1.5 * y.double()).round(
        decimals=1
    )
    fpr, tpr, _ = roc_curve(y.numpy(), s.numpy(), drop_intermediate=False)
    torch.testing.assert_close(
        torch.stack(ch.roc(s, y)), torch.from_numpy(np.stack([fpr, tpr]))
    )
    torch.testing.assert_close(
        ch.auroc_trapezoid(s, y),
        torch.tensor(roc_auc_score(y.numpy(), s.numpy()), dtype=torch.float64),
    )
    dfpr, dtpr, _ = demos.roc_points(s.numpy(), y.numpy())
    np.testing.assert_allclose(np.stack([dfpr, dtpr]), np.stack([fpr, tpr]))


def test_notebook_kl_and_purity(ch):
    mu, lv = torch.randn(4, 2), torch.randn(4, 2)
    torch.testing.assert_close(ch.gaussian_kl(mu, lv), autoencoder.gaussian_kl(mu, lv))
    assert ch.purity(np.array([0, 0, 1, 1]), np.array([3, 3, 5, 4])) == 0.75


def test_demos_reject_bad_input():
    with pytest.raises(ValueError, match="both"):
        demos.threshold(np.arange(5.0), np.zeros(5, bool))
    with pytest.raises(ValueError, match="2 latent"):
        demos.latent_walk(
            [np.zeros((3, 64))], [np.zeros(64)], np.zeros((4, 2)), np.zeros(4)
        )
