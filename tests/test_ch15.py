"""Chapter 15: the demo's adaptation is plain gradient descent; the exercise references are right."""

import torch

from helpers.demos import ch15
from helpers.exercises import ch15 as ex


def test_adapt_is_gradient_descent_on_the_mse():
    g = torch.Generator().manual_seed(0)
    params = [
        torch.randn(1, 4, generator=g),
        torch.zeros(4),
        torch.randn(4, 1, generator=g),
        torch.zeros(1),
    ]
    x, y = torch.randn(6, 1, generator=g), torch.randn(6, 1, generator=g)
    net = torch.nn.Sequential(
        torch.nn.Linear(1, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)
    )
    with torch.no_grad():
        net[0].weight.copy_(params[0].T), net[0].bias.copy_(params[1])
        net[2].weight.copy_(params[2].T), net[2].bias.copy_(params[3])
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()
    fast = ch15.adapt(params, x, y, steps=3, alpha=0.05)
    torch.testing.assert_close(ch15.forward(fast, x), net(x).detach())


def test_meta_gradient_reference_matches_autograd():
    w = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    xs, xq = (
        torch.linspace(-2, 2, 5, dtype=torch.float64),
        torch.linspace(-1, 2, 8, dtype=torch.float64),
    )
    ys, yq = torch.cos(xs), torch.cos(xq)
    (gs,) = torch.autograd.grad(((w * xs - ys) ** 2).mean(), w, create_graph=True)
    (auto,) = torch.autograd.grad((((w - 0.1 * gs) * xq - yq) ** 2).mean(), w)
    torch.testing.assert_close(
        ex.meta_gradient_ref(w.detach(), xs, ys, xq, yq, 0.1), auto
    )


def test_reptile_reference_interpolates():
    phi, theta = torch.zeros(3), torch.ones(3)
    torch.testing.assert_close(ex.reptile_ref(phi, theta, 0.25), torch.full((3,), 0.25))
