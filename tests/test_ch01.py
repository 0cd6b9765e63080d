"""Chapter 01: the stacked-seeds trainer against one plain network per seed, and the chapter's gradients."""

import pytest
import torch
import torch.nn as nn

from helpers import stacked
from helpers.exercises import ch01 as exercises


@pytest.mark.parametrize(
    "sizes, act", [([3, 5, 1], nn.ReLU), ([2, 4, 4, 1], nn.Sigmoid), ([3, 6, 1], None)]
)
def test_stacked_copies_start_as_the_plain_nets_of_their_seeds(sizes, act):
    seeds = [0, 1, 2]
    model = stacked.StackedMLP(sizes, seeds, activation=act)
    x = torch.randn(7, sizes[0])
    for i, s in enumerate(seeds):
        torch.manual_seed(s)
        net = stacked.mlp(sizes, act)
        torch.testing.assert_close(model(x)[i], net(x)[:, 0])
        torch.testing.assert_close(model.member(i)(x), net(x))


def test_stacked_training_equals_training_each_seed_alone_with_adam():
    seeds, sizes, steps = [3, 4, 5], [2, 8, 8, 1], 25
    x, y = torch.randn(20, 2), torch.randn(20)
    model = stacked.StackedMLP(sizes, seeds)
    got = stacked.fit(model, x, y, steps, lr=1e-2)
    for i, s in enumerate(seeds):
        torch.manual_seed(s)
        net = stacked.mlp(sizes)
        opt = torch.optim.Adam(net.parameters(), lr=1e-2)
        for _ in range(steps):
            loss = ((net(x)[:, 0] - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        torch.testing.assert_close(
            got[i], ((net(x)[:, 0] - y) ** 2).mean().detach(), rtol=1e-4, atol=1e-6
        )
        torch.testing.assert_close(model.member(i)(x), net(x), rtol=1e-4, atol=1e-5)


def test_set_member_round_trips_and_bad_input_gets_a_clear_error():
    model = stacked.StackedMLP([1, 2, 2, 1], [0, 1, 2])
    torch.manual_seed(9)
    net = stacked.mlp([1, 2, 2, 1])
    model.set_member(1, net)
    x = torch.rand(5, 1)
    torch.testing.assert_close(model(x)[1], net(x)[:, 0].detach())
    with pytest.raises(ValueError, match="layer sizes"):
        model.set_member(0, stacked.mlp([1, 3, 1]))
    with pytest.raises(ValueError, match="shape"):
        model(torch.rand(5, 2))
    with pytest.raises(ValueError, match="last size"):
        stacked.StackedMLP([2, 3, 2], [0])
    with pytest.raises(ValueError, match="sizes"):
        stacked.mlp([3])


def test_relu_network_gradient_of_the_exercise_matches_autograd():
    for case in exercises.network_gradient.cases():
        x, y_hat, W, b_vec, c, b = (a.clone() for a in case.args)
        params = [W, b_vec, c, b]
        for p in params:
            p.requires_grad_(True)
        loss = ((torch.relu(x @ W.T + b_vec) @ c + b - y_hat) ** 2).mean()
        auto = torch.autograd.grad(loss, params)
        ours = exercises.relu_network_grads(
            x, y_hat, W.detach(), b_vec.detach(), c.detach(), b.detach()
        )
        for o, a in zip(ours, auto):
            torch.testing.assert_close(o, a)


def test_mae_gradient_of_the_exercise_matches_autograd():
    for case in exercises.mae_gradient.cases():
        w, b, x1, y_hat = (a.clone() for a in case.args)
        w.requires_grad_(True)
        b.requires_grad_(True)
        (b + w * x1 - y_hat).abs().mean().backward()
        torch.testing.assert_close(
            torch.stack(exercises.grad_mae(w.detach(), b.detach(), x1, y_hat)),
            torch.stack([w.grad, b.grad]),
        )


def test_parameter_count_of_the_exercise_matches_pytorch():
    for d_in, width, depth in [(28, 32, 4), (1, 2, 6), (5, 3, 1)]:
        net = stacked.mlp([d_in] + [width] * depth + [1])
        assert exercises.count_parameters(d_in, width, depth) == sum(
            p.numel() for p in net.parameters()
        )
