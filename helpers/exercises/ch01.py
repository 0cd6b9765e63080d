"""Chapter 01's checked exercises: the MAE gradient, the ReLU network's gradient, updates, parameters."""

import math

import torch

from helpers.checker import Case, Checker


# ---------------------------------------------------------------- ex-01-mae: the gradient of the MAE


def grad_mae(w, b, x1, y_hat):
    """(dL/dw, dL/db) of the MAE of y = b + w x_1: the mean of sign(residual) times x_1, and of sign."""
    s = torch.sign(b + w * x1 - y_hat)
    return (s * x1).mean(), s.mean()


def _mae_cases():
    g = torch.Generator().manual_seed(1)
    x = 3 + torch.rand(20, generator=g, dtype=torch.float64)
    y = 0.5 * x + 1.5 + 0.3 * torch.randn(20, generator=g, dtype=torch.float64)
    t = lambda v: torch.tensor(v, dtype=torch.float64)
    return [
        Case("w = -1, b = 0 (every prediction too low)", (t(-1.0), t(0.0), x, y)),
        Case("w = 0.5, b = 1.5 (errors of both signs)", (t(0.5), t(1.5), x, y)),
        Case("w = 1, b = 2 (every prediction too high)", (t(1.0), t(2.0), x, y)),
    ]


def _mae_residual(w, b, x1, y_hat):
    r = b + w * x1 - y_hat
    return (r * x1).mean(), r.mean()


def _mae_flipped(w, b, x1, y_hat):
    gw, gb = grad_mae(w, b, x1, y_hat)
    return -gw, -gb


def _mae_sum(w, b, x1, y_hat):
    s = torch.sign(b + w * x1 - y_hat)
    return (s * x1).sum(), s.sum()


def _mae_no_x(w, b, x1, y_hat):
    s = torch.sign(b + w * x1 - y_hat)
    return s.mean(), s.mean()


def _mae_two(w, b, x1, y_hat):
    gw, gb = grad_mae(w, b, x1, y_hat)
    return 2 * gw, 2 * gb


mae_gradient = Checker(
    "ex-01-mae",
    grad_mae,
    _mae_cases,
    mistakes={
        "you used the residual itself, not its sign: that is half the MSE's gradient. "
        "The derivative of |z| is sign(z).": _mae_residual,
        "the sign is flipped: the residual is prediction minus label, y - y_hat, "
        "and descent then subtracts the gradient.": _mae_flipped,
        "a sum instead of a mean: the loss divides by N, so does its gradient.": _mae_sum,
        "dL/dw lacks the factor x_1: by the chain rule d(b + w x_1)/dw = x_1.": _mae_no_x,
        "a factor 2 too many: the 2 comes from the square in the MSE; |z| has none.": _mae_two,
    },
    hint="dL/dw = mean(sign(b + w x_1 - y_hat) * x_1), dL/db = mean(sign(b + w x_1 - y_hat)).",
)


# ---------------------------------------------------------------- ex-01-network: the ReLU network's gradient


def relu_network_grads(x, y_hat, W, b_vec, c, b):
    """(dL/dW, dL/db_vec, dL/dc, dL/db) of the MSE of y = b + c^T ReLU(b_vec + W x), by the chain rule."""
    r = x @ W.T + b_vec  # (N, I)
    a = torch.relu(r)  # (N, I)
    e = a @ c + b - y_hat  # (N,) residuals
    N = len(y_hat)
    g_y = 2 * e / N  # dL/dy, (N,)
    g_r = (g_y[:, None] * c) * (r > 0)  # dL/dr = dL/dy * c * ReLU'(r), (N, I)
    return g_r.T @ x, g_r.sum(0), a.T @ g_y, g_y.sum()


def _net_cases():
    g = torch.Generator().manual_seed(2)
    out = []
    for name, (N, J, I) in [
        ("N = 6 examples, J = 3 features, I = 4 units", (6, 3, 4)),
        ("N = 10, J = 2, I = 5", (10, 2, 5)),
    ]:
        x = torch.randn(N, J, generator=g, dtype=torch.float64)
        y = torch.randn(N, generator=g, dtype=torch.float64)
        W = torch.randn(I, J, generator=g, dtype=torch.float64)
        b_vec = torch.randn(I, generator=g, dtype=torch.float64)
        c = torch.randn(I, generator=g, dtype=torch.float64)
        out.append(
            Case(name, (x, y, W, b_vec, c, torch.tensor(0.3, dtype=torch.float64)))
        )
    return out


def _net_sigmoid_slope(x, y_hat, W, b_vec, c, b):
    r = x @ W.T + b_vec
    a = torch.relu(r)
    g_y = 2 * (a @ c + b - y_hat) / len(y_hat)
    g_r = (
        (g_y[:, None] * c) * a * (1 - a)
    )  # the sigmoid's slope a (1 - a), kept by mistake
    return g_r.T @ x, g_r.sum(0), a.T @ g_y, g_y.sum()


def _net_no_two(x, y_hat, W, b_vec, c, b):
    return tuple(g / 2 for g in relu_network_grads(x, y_hat, W, b_vec, c, b))


def _net_no_slope(x, y_hat, W, b_vec, c, b):
    r = x @ W.T + b_vec
    a = torch.relu(r)
    g_y = 2 * (a @ c + b - y_hat) / len(y_hat)
    g_r = g_y[:, None] * c  # forgot ReLU'(r): dead units still get a gradient
    return g_r.T @ x, g_r.sum(0), a.T @ g_y, g_y.sum()


def _net_flipped(x, y_hat, W, b_vec, c, b):
    return tuple(-g for g in relu_network_grads(x, y_hat, W, b_vec, c, b))


network_gradient = Checker(
    "ex-01-network",
    relu_network_grads,
    _net_cases,
    mistakes={
        "you kept the sigmoid's slope a(1 - a); ReLU's slope is 1 where r > 0 and 0 elsewhere.": _net_sigmoid_slope,
        "a factor 2 is missing: d(e^2)/de = 2e.": _net_no_two,
        "ReLU's slope is missing: a unit with r <= 0 outputs 0 whatever its weights, "
        "so its weights get no gradient.": _net_no_slope,
        "the sign is flipped: the residual is prediction minus label.": _net_flipped,
    },
    hint="with e = y - y_hat and g = 2e/N: dL/db = sum(g), dL/dc = ReLU(r)^T g, "
    "dL/dr = g c * (r > 0), dL/dW = (dL/dr)^T x, dL/db_vec = column sums of dL/dr.",
)


# ---------------------------------------------------------------- ex-01-batches: updates in a run


def count_updates(N, B, epochs):
    """Eq. (eq-01-updates): epochs * ceil(N / B) parameter updates."""
    return epochs * math.ceil(N / B)


_update_cases = [
    Case("N = 10000, B = 10, 1 epoch", (10000, 10, 1)),
    Case("N = 10000, B = 7, 2 epochs", (10000, 7, 2)),
    Case("N = 491, B = 32, 40 epochs (the chapter's run)", (491, 32, 40)),
    Case("N = 5, B = 8, 3 epochs (a batch larger than the data)", (5, 8, 3)),
]

updates = Checker(
    "ex-01-batches",
    count_updates,
    _update_cases,
    mistakes={
        "you rounded N / B down: the last, smaller batch is an update too (round up).": lambda N, B, epochs: (
            epochs * (N // B)
        ),
        "N / B is not a whole number of updates: round it up to count the last, smaller batch.": lambda N, B, epochs: (
            epochs * N / B
        ),
        "that is the updates of one epoch: multiply by the number of epochs.": lambda N, B, epochs: (
            math.ceil(N / B)
        ),
        "that counts examples seen, not updates: one update per batch.": lambda N, B, epochs: (
            epochs * N
        ),
    },
    hint="one update per batch; an epoch has ceil(N / B) batches.",
)


# ---------------------------------------------------------------- ex-01-depth: parameters of a deep net


def count_parameters(d_in, width, depth):
    """Parameters of `depth` hidden layers of `width` ReLUs on `d_in` inputs, then one output."""
    return (d_in + 1) * width + (depth - 1) * (width + 1) * width + (width + 1)


_param_cases = [
    Case("d_in = 28, width = 32, depth = 4", (28, 32, 4)),
    Case("d_in = 28, width = 64, depth = 1", (28, 64, 1)),
    Case("d_in = 1, width = 2, depth = 6 (the sawtooth net)", (1, 2, 6)),
]

parameters = Checker(
    "ex-01-depth",
    count_parameters,
    _param_cases,
    mistakes={
        "the biases are missing: every unit, and the output, has one.": lambda d, w, k: (
            d * w + (k - 1) * w * w + w
        ),
        "one hidden-to-hidden layer too many: depth hidden layers are joined by depth - 1 of them.": lambda d, w, k: (
            (d + 1) * w + k * (w + 1) * w + (w + 1)
        ),
        "the output layer (width weights and one bias) is missing.": lambda d, w, k: (
            (d + 1) * w + (k - 1) * (w + 1) * w
        ),
        "every layer counted as width x width: the first layer has d_in inputs.": lambda d, w, k: (
            k * (w + 1) * w + (w + 1)
        ),
    },
    hint="layer sizes d_in -> width -> ... -> width -> 1; a Linear(m, n) has m n weights and n biases.",
)


CHECKERS = [mae_gradient, network_gradient, updates, parameters]
