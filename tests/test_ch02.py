"""Chapter 02: the demos' NumPy optimizers against torch.optim, and the critical-point classifier."""

import numpy as np
import pytest
import torch

from helpers.demos import ch02

TORCH = {
    "SGD": lambda p, lr: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "Adagrad": lambda p, lr: torch.optim.Adagrad(p, lr=lr),
    "RMSProp": lambda p, lr: torch.optim.RMSprop(p, lr=lr),
    "Adam": lambda p, lr: torch.optim.Adam(p, lr=lr),
}


@pytest.mark.parametrize("name", list(ch02.OPTIMIZERS))
def test_numpy_optimizers_match_torch_optim(name):
    a = np.array([1.0, 100.0, 3.0])

    def grad(
        th,
    ):  # a quadratic that is not separable in torch's eyes: one tensor, three entries
        return a * th + 0.1 * np.sin(th)

    theta0 = np.array([-2.0, 0.5, 1.0])
    ours = ch02.run(ch02.OPTIMIZERS[name], grad, theta0, lr=0.005, steps=50)
    theta = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = TORCH[name]([theta], 0.005)
    theirs = [theta.detach().clone()]
    for _ in range(50):
        opt.zero_grad()
        theta.grad = torch.from_numpy(grad(theta.detach().numpy()))
        opt.step()
        theirs.append(theta.detach().clone())
    torch.testing.assert_close(
        torch.from_numpy(ours), torch.stack(theirs), rtol=1e-10, atol=1e-12
    )


def test_run_stops_a_diverging_path():
    path = ch02.run(
        ch02.sgd, lambda th: 100.0 * th, np.array([1.0, 1.0]), lr=0.05, steps=500
    )
    assert len(path) < 501 and np.all(np.isfinite(path))


def test_classify_matches_eigenvalue_signs():
    rng = np.random.default_rng(0)
    for _ in range(20):
        A = rng.normal(size=(3, 3))
        H = A + A.T
        lam = np.linalg.eigvalsh(H)
        kind = ch02.classify(lam)
        assert kind == (
            "saddle point"
            if lam.min() < 0 < lam.max()
            else "local minimum"
            if lam.min() > 0
            else "local maximum"
        )
    assert ch02.classify(np.linalg.eigvalsh(np.eye(2))) == "local minimum"
    assert ch02.classify([1.0, 0.0]).startswith("not a maximum")


def test_classify_a_negative_eigenvalue_rules_out_a_minimum_even_with_a_zero():
    assert ch02.classify([-1.0, 0.0]).startswith("not a minimum")
    assert ch02.classify([-1.0, 0.0, 2.0]) == "saddle point"
    assert ch02.classify([0.0, 0.0]).startswith("inconclusive")
    with pytest.raises(ValueError, match="eigenvalues"):
        ch02.classify([float("nan"), 1.0])


def test_race_rejects_bad_curvatures():
    with pytest.raises(ValueError, match="curvatures"):
        ch02.optimizer_race(curvatures=(1.0, -1.0))


def test_guide_figure_draws_every_box():
    import matplotlib

    matplotlib.use("Agg")
    fig = ch02.guide_figure()
    boxes = [
        t for t in fig.axes[0].texts if t.get_text()
    ]  # the arrows are empty annotations
    assert len(boxes) == 9
    texts = " ".join(t.get_text() for t in boxes)
    assert "chapter 02" not in texts and "mismatch" in texts
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_regularization_demo_trades_training_loss_for_test_loss():
    demo = ch02.regularization()
    fig = demo.render(log10_lam=-3.0, method="weight decay", steps=0)
    fig.savefig(__import__("io").BytesIO(), format="png")
    with pytest.raises(ValueError, match="n_fit"):
        ch02.regularization(n_fit=1)
