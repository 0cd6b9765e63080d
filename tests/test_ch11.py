"""Chapter 11: the rotated-moons data and the gradient-reversal identity the chapter relies on."""

import math

import pytest
import torch

from helpers import data
from helpers.exercises import ch11 as ex


def test_rotated_moons_is_a_rotation_of_the_source():
    X0, y0 = data.rotated_moons(200, 0, seed=3)
    X1, y1 = data.rotated_moons(200, 30, seed=3)
    a = math.radians(30)
    R = torch.tensor([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    torch.testing.assert_close(X1, X0 @ R.T)
    assert torch.equal(y0, y1) and X0.shape == (200, 2) and X0.dtype == torch.float32
    torch.testing.assert_close(X1.norm(dim=1), X0.norm(dim=1))


def test_rotated_moons_refuses_too_few_points():
    with pytest.raises(ValueError, match="at least 2"):
        data.rotated_moons(1)


def test_reversal_identity_gives_minus_lambda_gradient():
    """(1 + lam) v.detach() - lam v is the identity forward, -lam backward: what GradReverse does."""
    lam = 0.3
    v = torch.randn(5, requires_grad=True)
    out = (1 + lam) * v.detach() - lam * v
    torch.testing.assert_close(out, v)
    (g,) = torch.autograd.grad((out**2).sum(), v)
    torch.testing.assert_close(g, -lam * 2 * v.detach())


def test_schedule_and_weights_references():
    p = torch.tensor([0.0, 1.0])
    lam = ex.dann_lambda_ref(p)
    assert lam[0] == 0 and 0.99 < lam[1] < 1
    x = torch.linspace(-2, 2, 5, dtype=torch.float64)
    w = ex.importance_weight_ref(x, 0.0, 1.0, 1.0, 0.5)
    ref = (
        torch.distributions.Normal(1.0, 0.5).log_prob(x).exp()
        / torch.distributions.Normal(0.0, 1.0).log_prob(x).exp()
    )
    torch.testing.assert_close(w, ref)
