"""Chapter 13's checked exercises: the distillation loss, fake quantization, separable parameters."""

import torch
import torch.nn.functional as F

from helpers.checker import Case, Checker


def kd_loss_ref(z, v, T):
    """T^2 KL(softmax(v / T) || softmax(z / T)), averaged over the batch."""
    return T**2 * F.kl_div(
        F.log_softmax(z / T, -1), F.softmax(v / T, -1), reduction="batchmean"
    )


def _kl(p_log, q_log):
    return (p_log.exp() * (p_log - q_log)).sum(-1).mean()


def _cases_kd():
    g = torch.Generator().manual_seed(13)
    z = torch.randn(4, 10, generator=g, dtype=torch.float64)
    v = 3 * torch.randn(4, 10, generator=g, dtype=torch.float64)
    return [
        Case("four examples, T = 4", (z, v, 4.0)),
        Case("three examples, T = 2", (z[:3] * 2, v[:3], 2.0)),
    ]


kd_loss = Checker(
    "ex-13-distill",
    kd_loss_ref,
    cases=_cases_kd,
    mistakes={
        "multiply by T squared: without it the soft term's gradient shrinks as 1/T^2": lambda z, v, T: (
            _kl(F.log_softmax(v / T, -1), F.log_softmax(z / T, -1))
        ),
        "the KL is the wrong way round: the teacher's distribution p comes first, "
        "KL(p || q)": lambda z, v, T: (
            T**2 * _kl(F.log_softmax(z / T, -1), F.log_softmax(v / T, -1))
        ),
        "soften both outputs: divide the teacher's logits by T too": lambda z, v, T: (
            T**2 * _kl(F.log_softmax(v, -1), F.log_softmax(z / T, -1))
        ),
        "sum over the classes, then average over the batch (not a mean over both)": lambda z, v, T: (
            T**2 * _kl(F.log_softmax(v / T, -1), F.log_softmax(z / T, -1)) / z.shape[-1]
        ),
        "average over the batch rather than summing over it": lambda z, v, T: (
            T**2 * _kl(F.log_softmax(v / T, -1), F.log_softmax(z / T, -1)) * z.shape[0]
        ),
    },
    hint="p = softmax(v / T), log q = log_softmax(z / T); T^2 * sum p (log p - log q), "
    "averaged over the batch",
)


def fake_quantize_ref(w, bits):
    """Symmetric per-tensor quantization to ``bits`` bits, returned dequantized."""
    half = 2 ** (bits - 1)
    s = w.abs().max() / (half - 0.5)
    return s * torch.clamp(torch.round(w / s), -half, half - 1)


def _cases_quant():
    g = torch.Generator().manual_seed(31)
    w = torch.randn(6, 5, generator=g, dtype=torch.float64) * 0.3
    return [
        Case("8 bits", (w, 8)),
        Case("3 bits", (w, 3)),
        Case("2 bits, largest weight positive", (w.abs() - 0.1, 2)),
    ]


def _scale(w, bits):
    return w.abs().max() / (2 ** (bits - 1) - 0.5)


fake_quantize = Checker(
    "ex-13-quantize",
    fake_quantize_ref,
    cases=_cases_quant,
    mistakes={
        "return the dequantized weights s * q, not the integers q": lambda w, bits: (
            torch.clamp(
                torch.round(w / _scale(w, bits)),
                -(2 ** (bits - 1)),
                2 ** (bits - 1) - 1,
            )
        ),
        "round to the nearest integer; floor (or int()) always rounds down": lambda w, bits: (
            _scale(w, bits)
            * torch.clamp(
                torch.floor(w / _scale(w, bits)),
                -(2 ** (bits - 1)),
                2 ** (bits - 1) - 1,
            )
        ),
        "clamp to [-2^(bits-1), 2^(bits-1) - 1]: the largest weight rounds one step too "
        "far": lambda w, bits: _scale(w, bits) * torch.round(w / _scale(w, bits)),
        "the scale divides max|w| by 2^(bits-1) - 0.5, not by 2^bits": lambda w, bits: (
            (w.abs().max() / 2**bits)
            * torch.clamp(
                torch.round(w / (w.abs().max() / 2**bits)),
                -(2 ** (bits - 1)),
                2 ** (bits - 1) - 1,
            )
        ),
    },
    hint="s = max|w| / (2^(bits-1) - 0.5); q = clamp(round(w / s), -2^(bits-1), "
    "2^(bits-1) - 1); return s * q",
)


def separable_params_ref(k, I, O):
    """k^2 I weights of the depthwise step plus I O of the pointwise step."""
    return torch.tensor(float(k * k * I + I * O))


def _as_number(f):
    return lambda k, I, O: torch.tensor(float(f(k, I, O)))


separable_params = Checker(
    "ex-13-separable",
    lambda k, I, O: separable_params_ref(k, I, O),
    cases=[
        Case("k = 3, 8 in, 32 out", (3, 8, 32)),
        Case("k = 5, 16 in, 16 out", (5, 16, 16)),
        Case("k = 1, 4 in, 10 out", (1, 4, 10)),
    ],
    mistakes={
        "that is a standard convolution's k^2 I O": _as_number(
            lambda k, I, O: k * k * I * O
        ),
        "the depthwise filters are k x k: k^2 I weights, not k I": _as_number(
            lambda k, I, O: k * I + I * O
        ),
        "add the pointwise 1x1 step's I O weights": _as_number(
            lambda k, I, O: k * k * I
        ),
        "the depthwise step has one k x k filter per input channel, not per output "
        "channel": _as_number(lambda k, I, O: k * k * O + I * O),
    },
    hint="depthwise: I filters of k x k; pointwise: O filters of 1 x 1 x I",
)

CHECKERS = [kd_loss, fake_quantize, separable_params]
