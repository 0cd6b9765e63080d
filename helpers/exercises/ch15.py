"""Chapter 15's checked exercises: the MAML meta-gradient of a one-weight model, the Reptile update."""

import torch

from helpers.checker import Case, Checker


def _grad(w, x, y):
    """d/dw of the mean squared error of the model y = w x."""
    return 2 * (x * (w * x - y)).mean()


def meta_gradient_ref(w, xs, ys, xq, yq, alpha):
    """dL_query(w - alpha dL_support(w)) / dw for y = w x: (1 - alpha H_s) g_query(w')."""
    w_fast = w - alpha * _grad(w, xs, ys)
    H_s = 2 * (xs**2).mean()  # the support loss's second derivative
    return (1 - alpha * H_s) * _grad(w_fast, xq, yq)


def _cases_meta():
    g = torch.Generator().manual_seed(15)
    x = lambda n: torch.rand(n, generator=g, dtype=torch.float64) * 4 - 2
    xs, xq = x(5), x(10)
    return [
        Case(
            "the task y = sin(2x), w = 0.5, alpha = 0.1",
            (
                torch.tensor(0.5, dtype=torch.float64),
                xs,
                torch.sin(2 * xs),
                xq,
                torch.sin(2 * xq),
                0.1,
            ),
        ),
        Case(
            "the task y = x^2 - 1, w = 1, alpha = 0.05",
            (
                torch.tensor(1.0, dtype=torch.float64),
                xs,
                xs**2 - 1,
                xq,
                xq**2 - 1,
                0.05,
            ),
        ),
    ]


meta_gradient = Checker(
    "ex-15-meta-gradient",
    meta_gradient_ref,
    cases=_cases_meta,
    mistakes={
        "that is the first-order approximation: the factor (1 - alpha H_s) from differentiating "
        "through the inner step is missing": lambda w, xs, ys, xq, yq, a: _grad(
            w - a * _grad(w, xs, ys), xq, yq
        ),
        "the inner step goes down the support gradient: w' = w - alpha g_s, so the factor is "
        "(1 - alpha H_s), not (1 + alpha H_s)": lambda w, xs, ys, xq, yq, a: (
            (1 + a * 2 * (xs**2).mean()) * _grad(w - a * _grad(w, xs, ys), xq, yq)
        ),
        "the query gradient is taken at the adapted weight w', not at w": lambda w, xs, ys, xq, yq, a: (
            (1 - a * 2 * (xs**2).mean()) * _grad(w, xq, yq)
        ),
    },
    hint="adapt w on the support set, take the query gradient there, and multiply by dw'/dw",
)


def reptile_ref(phi, theta_k, epsilon):
    """Reptile's outer update: move phi a fraction epsilon of the way to the adapted theta_k."""
    return phi + epsilon * (theta_k - phi)


def _cases_reptile():
    g = torch.Generator().manual_seed(16)
    return [
        Case(
            "a 3-vector, epsilon 0.1",
            (torch.randn(3, generator=g), torch.randn(3, generator=g), 0.1),
        ),
        Case(
            "a 2x2 weight, epsilon 0.5",
            (torch.randn(2, 2, generator=g), torch.randn(2, 2, generator=g), 0.5),
        ),
    ]


reptile = Checker(
    "ex-15-reptile",
    reptile_ref,
    cases=_cases_reptile,
    mistakes={
        "phi moves toward theta_k, so add epsilon (theta_k - phi); you moved away from it": lambda phi, th, e: (
            phi - e * (th - phi)
        ),
        "scale the step by epsilon: jumping all the way to theta_k forgets the other tasks": lambda phi, th, e: (
            th.clone()
        ),
        "the step is epsilon times the difference (theta_k - phi), not epsilon times theta_k": lambda phi, th, e: (
            phi + e * th
        ),
    },
    hint="phi <- phi + epsilon (theta_k - phi)",
)

CHECKERS = [meta_gradient, reptile]
