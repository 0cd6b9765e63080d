"""Chapter 04's checked exercises: attention in the lecture's column form, one LSTM step, clipping.

Each checker runs the learner's function on a few small random cases and compares it with the
reference; ``mistakes`` lists the typical wrong answers, each with its hint.
"""

import math

import torch

from helpers.checker import Case, Checker

# ------------------------------------------------------------------ eq. (eq-04-matrix), column form


def attention_columns(Q, K, V):
    """O = V softmax_columns(K^T Q / sqrt(d_k)); Q: (d_k, T_q), K: (d_k, T_k), V: (d_v, T_k) -> (d_v, T_q)."""
    A = K.T @ Q / math.sqrt(Q.shape[0])
    return V @ torch.softmax(A, dim=0)


def _attention_cases():
    g = torch.Generator().manual_seed(4)
    return [
        Case(
            "4 queries, 5 keys, d_k = 3, d_v = 2",
            (
                torch.randn(3, 4, generator=g),
                torch.randn(3, 5, generator=g),
                torch.randn(2, 5, generator=g),
            ),
        ),
        Case(
            "self-attention, T = 6, d_k = 8, d_v = 4",
            tuple(torch.randn(d, 6, generator=g) * 2 for d in (8, 8, 4)),
        ),
    ]


attention = Checker(
    "ex-04-attention-columns",
    attention_columns,
    _attention_cases,
    mistakes={
        "the softmax runs over the queries: in K^T Q each column is one query, so normalize each column (dim=0)": lambda Q, K, V: (
            V @ torch.softmax(K.T @ Q / math.sqrt(Q.shape[0]), dim=1)
        ),
        "the scores are not scaled: divide K^T Q by sqrt(d_k)": lambda Q, K, V: (
            V @ torch.softmax(K.T @ Q, dim=0)
        ),
        "the scores are divided by d_k: the scaling is sqrt(d_k)": lambda Q, K, V: (
            V @ torch.softmax(K.T @ Q / Q.shape[0], dim=0)
        ),
        "the scaling uses the values' width d_v: it is the keys' width d_k (the rows of Q and K)": lambda Q, K, V: (
            V @ torch.softmax(K.T @ Q / math.sqrt(V.shape[0]), dim=0)
        ),
        "the weights are not normalized: exp(A) needs dividing by each column's sum (a softmax)": lambda Q, K, V: (
            V @ torch.exp(K.T @ Q / math.sqrt(Q.shape[0]))
        ),
    },
    hint="O = V A' with A' = softmax over each column of K^T Q / sqrt(d_k)",
)

# ------------------------------------------------------------------ eq. (eq-04-lstm), one step


def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step in PyTorch's layout (gate rows i, f, g, o): returns (h_new, c_new), (B, n) each."""
    i, f, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def _lstm_variant(
    x,
    h,
    c,
    W_ih,
    W_hh,
    b_ih,
    b_hh,
    order=(0, 1, 2, 3),
    cand=torch.tanh,
    keep=True,
    squash=True,
):
    z = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    i, f, g, o = (z[k] for k in order)
    c_new = (torch.sigmoid(f) * c if keep else 0) + torch.sigmoid(i) * cand(g)
    return torch.sigmoid(o) * (torch.tanh(c_new) if squash else c_new), c_new


def _lstm_cases():
    g = torch.Generator().manual_seed(4)
    cases = []
    for name, B, D, n in [
        ("batch of 2, 3 inputs, 4 cells", 2, 3, 4),
        ("batch of 3, 5 inputs, 2 cells", 3, 5, 2),
    ]:
        cases.append(
            Case(
                name,
                (
                    torch.randn(B, D, generator=g),
                    torch.randn(B, n, generator=g),
                    torch.randn(B, n, generator=g),
                    torch.randn(4 * n, D, generator=g),
                    torch.randn(4 * n, n, generator=g),
                    torch.randn(4 * n, generator=g),
                    torch.randn(4 * n, generator=g),
                ),
            )
        )
    return cases


lstm = Checker(
    "ex-04-lstm-step",
    lstm_step,
    _lstm_cases,
    mistakes={
        "the input and forget gates are swapped: PyTorch's rows are i, f, g, o": lambda *a: (
            _lstm_variant(*a, order=(1, 0, 2, 3))
        ),
        "the candidate g and the output gate o are swapped: PyTorch's rows are i, f, g, o": lambda *a: (
            _lstm_variant(*a, order=(0, 1, 3, 2))
        ),
        "the candidate uses a sigmoid: it is tanh(g), only the gates are sigmoids": lambda *a: (
            _lstm_variant(*a, cand=torch.sigmoid)
        ),
        "the old memory is dropped: c_new = f * c + i * tanh(g) keeps f * c": lambda *a: (
            _lstm_variant(*a, keep=False)
        ),
        "h_new = o * c_new misses the tanh: h_new = o * tanh(c_new)": lambda *a: (
            _lstm_variant(*a, squash=False)
        ),
    },
    hint="z = x W_ih^T + b_ih + h W_hh^T + b_hh; i, f, g, o = z.chunk(4, dim=1); sigmoid for gates, tanh for g",
)

# ------------------------------------------------------------------ eq. (eq-04-clip)


def clip_by_norm(grads, tau):
    """Scale a list of gradient tensors so that their joint norm is at most tau (eq. eq-04-clip)."""
    norm = torch.sqrt(sum((g**2).sum() for g in grads))
    return [g * min(1.0, tau / norm.item()) for g in grads]


def _clip_cases():
    g = torch.Generator().manual_seed(4)
    big = [torch.randn(3, 2, generator=g) * 3, torch.randn(4, generator=g)]
    return [
        Case("two tensors, joint norm above tau = 1", (big, 1.0)),
        Case(
            "norm already below tau = 100: nothing changes",
            ([t.clone() for t in big], 100.0),
        ),
    ]


clip = Checker(
    "ex-04-clip",
    clip_by_norm,
    _clip_cases,
    mistakes={
        "each tensor was clipped by its own norm: eq. (eq-04-clip) uses the norm of all gradients together": lambda grads, tau: [
            g * min(1.0, tau / g.norm().item()) for g in grads
        ],
        "the entries were clamped one by one: clipping rescales the whole vector, keeping its direction": lambda grads, tau: [
            g.clamp(-tau, tau) for g in grads
        ],
        "the gradient was always rescaled to norm tau: min(1, tau/||g||) leaves a small gradient alone": lambda grads, tau: [
            g * tau / torch.sqrt(sum((h**2).sum() for h in grads)) for g in grads
        ],
        "the norm is the sum of squares without the square root": lambda grads, tau: [
            g * min(1.0, tau / sum((h**2).sum() for h in grads).item()) for g in grads
        ],
    },
    hint="norm = sqrt(sum of every entry squared, over all tensors); multiply each by min(1, tau / norm)",
)

CHECKERS = [attention, lstm, clip]
