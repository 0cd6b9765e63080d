"""Chapter 09's checked exercises: integrated gradients; total variation of a map."""

import torch

from helpers.checker import Case, Checker


def _path_grads(f, x, baseline, alphas):
    """Gradients of ``f`` at ``baseline + alpha (x - baseline)`` for each alpha."""
    path = baseline + alphas.view(-1, *[1] * x.ndim) * (x - baseline)  # (m, *x.shape)
    path = path.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(path).sum(), path)
    return g


def integrated_gradients(f, x, baseline, m):
    """IG, ``m`` midpoint steps: (x - x') * mean_k grad f(x' + (k - 1/2)/m (x - x')).

    ``f`` maps a batch (B, D) to one score per row (B,); ``x``, ``baseline``: (D,).
    """
    alphas = (torch.arange(m, dtype=x.dtype) + 0.5) / m
    return (x - baseline) * _path_grads(f, x, baseline, alphas).mean(0)


def _ig_cases():
    g = torch.Generator().manual_seed(9)
    W1 = torch.randn(5, 8, generator=g, dtype=torch.float64)
    w2 = torch.randn(8, generator=g, dtype=torch.float64)
    mlp = lambda X: torch.tanh(X @ W1) @ w2  # (B, 5) -> (B,)
    quad = lambda X: (X**2).sum(1)  # (B, 3) -> (B,)
    sat = lambda X: torch.sigmoid(4 * X).sum(1)
    x5 = torch.randn(5, generator=g, dtype=torch.float64)
    return [
        Case(
            "f = sum of squares, x = (1, 2, 3), baseline 0, m = 4",
            (
                quad,
                torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64),
                torch.zeros(3, dtype=torch.float64),
                4,
            ),
        ),
        Case(
            "a tanh network on 5 inputs, random baseline, m = 8",
            (mlp, x5, torch.randn(5, generator=g, dtype=torch.float64), 8),
        ),
        Case(
            "a saturating sigmoid, baseline 0, m = 3",
            (
                sat,
                torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64),
                torch.zeros(3, dtype=torch.float64),
                3,
            ),
        ),
    ]


def _ig_right_end(f, x, b, m):
    alphas = torch.arange(1, m + 1, dtype=x.dtype) / m
    return (x - b) * _path_grads(f, x, b, alphas).mean(0)


def _ig_left_end(f, x, b, m):
    alphas = torch.arange(m, dtype=x.dtype) / m
    return (x - b) * _path_grads(f, x, b, alphas).mean(0)


def _ig_no_length(f, x, b, m):
    return integrated_gradients(f, x, b, m) / torch.where(x == b, 1, x - b)


def _ig_sum(f, x, b, m):
    return m * integrated_gradients(f, x, b, m)


def _ig_reversed(f, x, b, m):
    return -integrated_gradients(f, x, b, m)


def _grad_times_input(f, x, b, m):
    return (x - b) * _path_grads(f, x, b, torch.ones(1, dtype=x.dtype))[0]


IG_MISTAKES = {
    "multiply the mean gradient by (x - x'), the length of the path": _ig_no_length,
    "average the m gradients (the 1/m of the Riemann sum), do not add them": _ig_sum,
    "the path runs from the baseline to x: (x - x'), not (x' - x)": _ig_reversed,
    "take the midpoints (k - 1/2)/m, not the right ends k/m": _ig_right_end,
    "take the midpoints (k - 1/2)/m, not the left ends (k - 1)/m": _ig_left_end,
    "that is gradient times input, not an average along the path": _grad_times_input,
}

integrated = Checker(
    "ex-09-ig",
    integrated_gradients,
    _ig_cases,
    mistakes=IG_MISTAKES,
    hint="(x - x') times the mean gradient at x' + (k - 1/2)/m (x - x'), k = 1..m",
)


def total_variation(maps):
    """TV, summed |differences| of vertical and horizontal neighbours, (B,)."""
    dv = (maps[:, 1:, :] - maps[:, :-1, :]).abs().sum((1, 2))
    dh = (maps[:, :, 1:] - maps[:, :, :-1]).abs().sum((1, 2))
    return dv + dh


def _tv_cases():
    g = torch.Generator().manual_seed(10)
    step = torch.zeros(1, 4, 4)
    step[0, :, 2:] = 1.0  # one vertical edge, 4 pixels long: TV = 4
    return [
        Case("a 4x4 map with one vertical edge (TV = 4)", (step,)),
        Case("a 4x4 map with one horizontal edge", (step.transpose(1, 2).clone(),)),
        Case("3 random 5x6 maps", (torch.randn(3, 5, 6, generator=g),)),
    ]


def _dv(m):
    return m[:, 1:, :] - m[:, :-1, :]  # vertical neighbours


def _dh(m):
    return m[:, :, 1:] - m[:, :, :-1]  # horizontal neighbours


def _tv_whole_batch(m):
    return (_dv(m).abs().sum() + _dh(m).abs().sum()).expand(m.shape[0]).clone()


TV_MISTAKES = {
    "add both directions: vertical and horizontal neighbours": lambda m: (
        _dh(m).abs().sum((1, 2))
    ),
    "add the vertical differences too, not only the horizontal ones": lambda m: (
        _dv(m).abs().sum((1, 2))
    ),
    "total variation sums the absolute differences, it does not average them": (
        lambda m: _dv(m).abs().mean((1, 2)) + _dh(m).abs().mean((1, 2))
    ),
    "take absolute differences, not squared ones": lambda m: (
        (_dv(m) ** 2).sum((1, 2)) + (_dh(m) ** 2).sum((1, 2))
    ),
    "sum each map over its own axes 1 and 2: one value per map": _tv_whole_batch,
}

tv = Checker(
    "ex-09-tv",
    total_variation,
    _tv_cases,
    mistakes=TV_MISTAKES,
    hint="sum |m[i+1, j] - m[i, j]| + |m[i, j+1] - m[i, j]| over each map",
)

CHECKERS = [integrated, tv]
