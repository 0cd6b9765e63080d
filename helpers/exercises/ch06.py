"""Chapter 06's checked exercises: the WGAN-GP gradient penalty and the forward process of a DDPM.

Each checker holds the reference answer, a few cases and the typical wrong answers of the exercise
(see :mod:`helpers.checker`). Introduced in chapter 06.
"""

import torch

from helpers.checker import Case, Checker

# ---------------------------------------------------------------- ex-06-gp: the gradient penalty


def gradient_penalty(critic, y_real, y_fake, eps):
    """E[(||grad D(y_hat)|| - 1)^2] at y_hat = eps y_real + (1 - eps) y_fake (eq-06-wgan-gp, without lambda)."""
    y_hat = (eps * y_real + (1 - eps) * y_fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(y_hat).sum(), y_hat, create_graph=True)
    return ((grad.norm(dim=-1) - 1) ** 2).mean()


def _grad_at(critic, y):
    y = y.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(y).sum(), y)
    return grad


def _gp_cases():
    g = torch.Generator().manual_seed(6)
    W1, w2 = torch.randn(2, 16, generator=g), torch.randn(16, generator=g) / 2

    def mlp_critic(y):
        """A small nonlinear critic, (B, 2) -> (B,)."""
        return torch.tanh(y @ W1) @ w2

    def bowl_critic(y):
        """D(y) = |y|^2 / 2 (3-D points), whose gradient is y itself."""
        return 0.5 * (y**2).sum(-1)

    def batch():
        return (
            torch.randn(6, 2, generator=g),
            2 + torch.randn(6, 2, generator=g),
            torch.rand(6, 1, generator=g),
        )

    y3 = (
        torch.randn(5, 3, generator=g),
        torch.randn(5, 3, generator=g) - 1,
        torch.rand(5, 1, generator=g),
    )
    return [
        Case("a small tanh critic on 6 points in 2-D", (mlp_critic, *batch())),
        Case("the critic |y|^2 / 2 on 5 points in 3-D", (bowl_critic, *y3)),
    ]


def _y_hat(y_real, y_fake, eps):
    return eps * y_real + (1 - eps) * y_fake


GRADIENT_PENALTY = Checker(
    "ex-06-gp",
    gradient_penalty,
    _gp_cases,
    mistakes={
        "the penalty is on the norm minus 1, squared: (||g|| - 1)^2, not (||g||^2 - 1)^2": lambda D, yr, yf, e: (
            ((_grad_at(D, _y_hat(yr, yf, e)).pow(2).sum(-1) - 1) ** 2).mean()
        ),
        "without the - 1 the penalty pushes the slope to 0; the optimal critic has slope 1": lambda D, yr, yf, e: (
            (_grad_at(D, _y_hat(yr, yf, e)).norm(dim=-1) ** 2).mean()
        ),
        "eq-06-wgan-gp penalizes slopes below 1 too (two-sided), not only max(0, ||g|| - 1)^2": lambda D, yr, yf, e: (
            ((_grad_at(D, _y_hat(yr, yf, e)).norm(dim=-1) - 1).clamp(min=0) ** 2).mean()
        ),
        "take each point's gradient norm over its coordinates (dim=-1), not over the batch": lambda D, yr, yf, e: (
            ((_grad_at(D, _y_hat(yr, yf, e)).norm(dim=0) - 1) ** 2).mean()
        ),
        "the penalty is taken at the interpolates y_hat, not at the real points": lambda D, yr, yf, e: (
            ((_grad_at(D, yr).norm(dim=-1) - 1) ** 2).mean()
        ),
        "y_hat = eps * y_real + (1 - eps) * y_fake: you swapped the two weights": lambda D, yr, yf, e: (
            ((_grad_at(D, _y_hat(yf, yr, e)).norm(dim=-1) - 1) ** 2).mean()
        ),
        "square the deviation: (||g|| - 1)^2, not |(||g|| - 1)|": lambda D, yr, yf, e: (
            (_grad_at(D, _y_hat(yr, yf, e)).norm(dim=-1) - 1).abs().mean()
        ),
        "average over the batch (an expectation), do not sum": lambda D, yr, yf, e: (
            (_grad_at(D, _y_hat(yr, yf, e)).norm(dim=-1) - 1) ** 2
        ).sum(),
    },
    hint="differentiate critic(y_hat).sum() with respect to y_hat, take each row's norm, then "
    "average (norm - 1)^2 over the batch",
)

# ---------------------------------------------------------------- ex-06-forward: q(x_t | x_0) in one shot


def q_sample(x0, t, eps, alpha_bar):
    """x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps (eq-06-forward-closed); t: 0-based (B,)."""
    ab = alpha_bar[t].unsqueeze(-1)  # (B, 1)
    return ab.sqrt() * x0 + (1 - ab).sqrt() * eps


def _forward_cases():
    g = torch.Generator().manual_seed(7)
    alpha_bar = torch.cumprod(1 - torch.linspace(1e-4, 0.15, 100), 0)
    x0, eps = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    t = torch.tensor([1, 10, 30, 60, 98])
    x0b, epsb = torch.randn(4, 64, generator=g), torch.randn(4, 64, generator=g)
    return [
        Case("5 points in 3-D at steps 1, 10, 30, 60, 98", (x0, t, eps, alpha_bar)),
        Case(
            "4 digits of 64 pixels at steps 5, 5, 50, 99",
            (x0b, torch.tensor([5, 5, 50, 99]), epsb, alpha_bar),
        ),
    ]


def _ab(alpha_bar, t):
    return alpha_bar[t].unsqueeze(-1)


FORWARD_CLOSED = Checker(
    "ex-06-forward",
    q_sample,
    _forward_cases,
    mistakes={
        "the weights are square roots: sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps": lambda x0, t, eps, ab: (
            _ab(ab, t) * x0 + (1 - _ab(ab, t)) * eps
        ),
        "the noise's standard deviation is sqrt(1 - alpha_bar_t), its variance is 1 - alpha_bar_t": lambda x0, t, eps, ab: (
            _ab(ab, t).sqrt() * x0 + (1 - _ab(ab, t)) * eps
        ),
        "the signal keeps sqrt(alpha_bar_t) x_0 and the noise gets sqrt(1 - alpha_bar_t): you swapped them": lambda x0, t, eps, ab: (
            (1 - _ab(ab, t)).sqrt() * x0 + _ab(ab, t).sqrt() * eps
        ),
        "t holds 0-based indices: use alpha_bar[t], not alpha_bar[t - 1]": lambda x0, t, eps, ab: (
            _ab(ab, t - 1).sqrt() * x0 + (1 - _ab(ab, t - 1)).sqrt() * eps
        ),
        "t holds 0-based indices: use alpha_bar[t], not alpha_bar[t + 1]": lambda x0, t, eps, ab: (
            _ab(ab, (t + 1).clamp(max=len(ab) - 1)).sqrt() * x0
            + (1 - _ab(ab, (t + 1).clamp(max=len(ab) - 1))).sqrt() * eps
        ),
    },
    hint="index alpha_bar with t, add a last axis so it broadcasts over the coordinates, and mix "
    "x0 and eps with weights sqrt(alpha_bar_t) and sqrt(1 - alpha_bar_t)",
)

CHECKERS = [GRADIENT_PENALTY, FORWARD_CLOSED]
