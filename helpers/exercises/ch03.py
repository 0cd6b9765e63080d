"""Chapter 03's checked exercises: average pooling, and a convolution over a sequence."""

import torch
import torch.nn.functional as F

from helpers.checker import Case, Checker


def _avg_pool_cases():
    g = torch.Generator().manual_seed(3)
    return [
        Case(
            "x of shape (2, 3, 8, 8), k = 2",
            (torch.rand(2, 3, 8, 8, generator=g, dtype=torch.float64), 2),
        ),
        Case(
            "x of shape (1, 2, 6, 6), k = 3",
            (torch.rand(1, 2, 6, 6, generator=g, dtype=torch.float64), 3),
        ),
    ]


def _strided_blocks(x, k):
    B, C, H, W = x.shape
    return x.reshape(B, C, k, H // k, k, W // k).mean(
        (2, 4)
    )  # averages pixels k/H apart, not a block


#: ex-03-avgpool: the mean of each k x k block, ``avg_pool2d(x, k)``: (B, C, H, W) -> (B, C, H/k, W/k).
avg_pool = Checker(
    "ex-03-avgpool",
    reference=lambda x, k: F.avg_pool2d(x, k),
    cases=_avg_pool_cases,
    mistakes={
        "you kept each block's largest value (max pooling); average pooling keeps its mean": lambda x, k: (
            F.max_pool2d(x, k)
        ),
        "you summed each block: divide by its k * k values": lambda x, k: (
            F.avg_pool2d(x, k) * k * k
        ),
        "the blocks overlap (stride 1): move the window by k, so the output is k times smaller": lambda x, k: (
            F.avg_pool2d(x, k, stride=1)
        ),
        "the reshape mixes pixels from different blocks: view x as (B, C, H/k, k, W/k, k) and "
        "average over the two axes of size k": _strided_blocks,
    },
    hint="cut each map into k x k blocks (F.unfold with stride k, or a reshape) and average each block",
)


def _conv1d_cases():
    g = torch.Generator().manual_seed(4)
    r = lambda *s: torch.randn(*s, generator=g, dtype=torch.float64)  # noqa: E731
    return [
        Case("x (2, 2, 10), W (2, 2, 3), b (2,)", (r(2, 2, 10), r(2, 2, 3), r(2))),
        Case("x (1, 3, 7), W (4, 3, 5), b (4,)", (r(1, 3, 7), r(4, 3, 5), r(4))),
    ]


#: ex-03-conv1d: ``conv1d(x, W, b)``, a filter sliding along a sequence: (B, C_in, T) -> (B, C_out, T - k + 1).
conv1d = Checker(
    "ex-03-conv1d",
    reference=lambda x, W, b: F.conv1d(x, W, b),
    cases=_conv1d_cases,
    mistakes={
        "you flipped the kernel (the mathematicians' convolution); a layer correlates: "
        "y[t] uses W[u] times x[t + u]": lambda x, W, b: F.conv1d(x, W.flip(-1), b),
        "the bias b is missing": lambda x, W, b: F.conv1d(x, W),
        "no padding here: the output has T - k + 1 positions": lambda x, W, b: F.conv1d(
            x, W, b, padding=W.shape[-1] // 2
        ),
        "input and output channels are swapped: W[c, c'] weighs input channel c' for output channel c": lambda x, W, b: (
            F.conv1d(x, W.transpose(0, 1), b)
        ),
    },
    hint="y[b, c, t] = b[c] + sum over c' and u of W[c, c', u] * x[b, c', t + u]; "
    "x.unfold(2, k, 1) gives every window",
)

CHECKERS = [avg_pool, conv1d]
