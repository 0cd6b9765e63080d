"""Chapter 14: task streams, scores, the Fisher trick, A-GEM's projection, the demo."""

import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from helpers import tasks
from helpers.demos import ch14
from helpers.exercises import ch14 as ex

R_HAND = torch.tensor(
    [[0.1, 0.1, 0.1], [0.9, 0.2, 0.1], [0.6, 0.9, 0.3], [0.5, 0.7, 0.95]],
    dtype=torch.float64,
)


def test_permutations_are_permutations_and_task_1_is_the_identity():
    P = tasks.permutations(4, seed=3)
    assert P.shape == (4, 64)
    torch.testing.assert_close(P[0], torch.arange(64))
    for row in P:
        torch.testing.assert_close(row.sort().values, torch.arange(64))
    assert len({tuple(r.tolist()) for r in P}) == 4


def test_permuted_digits_shuffle_pixels_and_keep_labels():
    stream = tasks.permuted_digits(3)
    X0, y0, Xt0, yt0 = stream[0]
    assert X0.shape[1] == 64 and len(X0) == len(y0) and len(Xt0) == len(yt0)
    P = tasks.permutations(3)
    for (X, y, Xt, yt), p in zip(stream, P):
        torch.testing.assert_close(X, X0[:, p])
        torch.testing.assert_close(Xt, Xt0[:, p])
        assert torch.equal(y, y0) and torch.equal(yt, yt0)


def test_split_digits_keep_only_their_classes():
    a, b = tasks.split_digits([[0, 1], [7]])
    assert set(a[1].tolist()) == {0, 1} and set(b[3].tolist()) == {7}
    X, y, _, _ = tasks.clean_digits()
    torch.testing.assert_close(a[0], X[(y == 0) | (y == 1)])


@pytest.mark.parametrize(
    "call",
    [
        lambda: tasks.permutations(0),
        lambda: tasks.split_digits([]),
        lambda: tasks.split_digits([[3, 12]]),
    ],
)
def test_bad_input_gets_a_clear_error(call):
    with pytest.raises(ValueError):
        call()


def test_scores_on_a_hand_made_matrix():
    torch.testing.assert_close(
        ex.backward_transfer_ref(R_HAND), torch.tensor(-0.3, dtype=torch.float64)
    )
    acc, bwt = ch14.scores(R_HAND.numpy())
    assert acc == pytest.approx((0.5 + 0.7 + 0.95) / 3) and bwt == pytest.approx(-0.3)


def test_agem_projection_is_the_closest_allowed_direction():
    g = torch.Generator().manual_seed(0)
    for _ in range(5):
        v, r = (
            torch.randn(6, generator=g, dtype=torch.float64),
            torch.randn(6, generator=g, dtype=torch.float64),
        )
        z = ex.agem_project_ref(v, r)
        assert z @ r >= -1e-12 and z.norm() <= v.norm() + 1e-12
        best = minimize(
            lambda x, v=v: 0.5 * ((x - v.numpy()) ** 2).sum(),
            np.zeros(6),
            jac=lambda x, v=v: x - v.numpy(),
            method="SLSQP",
            constraints=[{"type": "ineq", "fun": lambda x, r=r: x @ r.numpy()}],
            options={"ftol": 1e-14, "maxiter": 500},
        )
        torch.testing.assert_close(z, torch.from_numpy(best.x), atol=1e-6, rtol=1e-6)


def test_fisher_outer_product_trick_matches_per_example_autograd():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3)
    )
    X = torch.randn(9, 5)
    loop = [torch.zeros_like(p) for p in net.parameters()]
    for x in X:
        logp = net(x).log_softmax(-1)
        for y in range(3):
            grads = torch.autograd.grad(
                logp[y], list(net.parameters()), retain_graph=True
            )
            for acc, gr in zip(loop, grads):
                acc += logp[y].exp().detach() * gr**2 / len(X)
    # the trick: squared per-example gradient of z = h W^T + b is (delta^2)^T (h^2)
    h1 = X
    z1 = net[0](h1)
    h2 = torch.relu(z1)
    z2 = net[2](h2)
    logp = z2.log_softmax(-1)
    p = logp.detach().exp()
    trick = [torch.zeros_like(q) for q in net.parameters()]
    for y in range(3):
        d1, d2 = torch.autograd.grad(logp[:, y].sum(), [z1, z2], retain_graph=True)
        w = p[:, y] / len(X)
        for k, (h, d) in enumerate([(h1, d1), (h2.detach(), d2)]):
            trick[2 * k] += torch.einsum("n,no,ni->oi", w, d**2, h**2)
            trick[2 * k + 1] += torch.einsum("n,no->o", w, d**2)
    for a, b in zip(trick, loop):
        torch.testing.assert_close(a, b)


def test_proximal_ewc_step_minimises_its_objective():
    theta0, grad, F, star, lam, lr = 0.3, 1.2, 0.7, -0.5, 50.0, 0.1
    closed = (theta0 - lr * grad + lr * lam * F * star) / (1 + lr * lam * F)
    obj = lambda t: (
        (t - (theta0 - lr * grad)) ** 2 / (2 * lr) + lam / 2 * F * (t - star) ** 2
    )
    grid = np.linspace(-2, 2, 400001)
    assert closed == pytest.approx(grid[np.argmin(obj(grid))], abs=1e-5)


def test_demo_rejects_bad_input():
    with pytest.raises(ValueError):
        ch14.lambda_sweep({})
    with pytest.raises(ValueError):
        ch14.lambda_sweep({1.0: np.zeros((3, 3))})
