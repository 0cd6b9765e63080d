"""Chapter 05's checked exercises: nucleus (top-p) filtering and label-smoothed cross-entropy."""

import torch
import torch.nn.functional as F

from helpers.checker import Case, Checker

# ---------------------------------------------------------------- ex-05-topp


def top_p_filter(prob: torch.Tensor, top_p: float) -> torch.Tensor:
    """Keep the most probable tokens of each row until their probabilities reach ``top_p``, renormalized.

    ``prob``: (B, V), rows summing to 1. The nucleus is the shortest set of most probable tokens whose
    total reaches ``top_p``; it always holds the top token. Returns (B, V): zero outside it, rows sum to 1.
    """
    sorted_p, order = prob.sort(-1, descending=True)
    keep_sorted = (
        sorted_p.cumsum(-1) - sorted_p < top_p
    )  # mass before this token is still short of p
    keep_sorted[..., 0] = True  # the top token, even for p = 0
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = prob * keep
    return kept / kept.sum(-1, keepdim=True)


def _topp_cases():
    g = torch.Generator().manual_seed(5)
    prob = torch.softmax(2 * torch.randn(4, 13, generator=g), -1)
    return [
        Case("one row, p = 0.5", (torch.tensor([[0.1, 0.4, 0.3, 0.2]]), 0.5)),
        Case(
            "one row, p = 0.75 (the top three)",
            (torch.tensor([[0.1, 0.4, 0.3, 0.2]]), 0.75),
        ),
        Case("a confident row, p = 0.9", (torch.tensor([[0.05, 0.95, 0.0, 0.0]]), 0.9)),
        Case("4 rows of 13 tokens, p = 0.9", (prob, 0.9)),
    ]


def _topp_strict(
    prob, top_p
):  # stops before the token that crosses p: may keep nothing
    sorted_p, order = prob.sort(-1, descending=True)
    keep = torch.zeros_like(prob, dtype=torch.bool).scatter(
        -1, order, sorted_p.cumsum(-1) < top_p
    )
    kept = prob * keep
    return kept / kept.sum(-1, keepdim=True)


def _topp_unnormalized(prob, top_p):
    sorted_p, order = prob.sort(-1, descending=True)
    keep = torch.zeros_like(prob, dtype=torch.bool).scatter(
        -1, order, sorted_p.cumsum(-1) - sorted_p < top_p
    )
    return prob * keep


def _topp_ascending(
    prob, top_p
):  # sorted the wrong way: keeps the least probable tokens
    sorted_p, order = prob.sort(-1)
    keep = torch.zeros_like(prob, dtype=torch.bool).scatter(
        -1, order, sorted_p.cumsum(-1) - sorted_p < top_p
    )
    kept = prob * keep
    return kept / kept.sum(-1, keepdim=True)


def _topp_unsorted_mask(
    prob, top_p
):  # the mask computed in sorted order but applied in vocabulary order
    sorted_p, _ = prob.sort(-1, descending=True)
    keep = sorted_p.cumsum(-1) - sorted_p < top_p
    kept = prob * keep
    return kept / kept.sum(-1, keepdim=True)


top_p = Checker(
    "ex-05-topp",
    top_p_filter,
    _topp_cases,
    mistakes={
        "keep the token that crosses p too: stop when the mass *before* a token reaches p, so the "
        "top token is always kept": _topp_strict,
        "renormalize: divide the kept probabilities by their sum so each row sums to 1": _topp_unnormalized,
        "sort in descending order: the nucleus is the *most* probable tokens": _topp_ascending,
        "the mask is in sorted order: scatter it back to vocabulary order (with the sort's indices) "
        "before multiplying": _topp_unsorted_mask,
    },
    hint="sort descending, keep tokens whose preceding cumulative mass is below p, undo the sort, renormalize",
)


# ---------------------------------------------------------------- ex-05-smoothing


def smoothed_cross_entropy(
    logits: torch.Tensor, target: torch.Tensor, eps: float
) -> torch.Tensor:
    """Mean over rows of the cross-entropy against the label-smoothed target.

    ``logits``: (N, V), ``target``: (N,) class indices. The smoothed target puts ``1 - eps`` on the
    correct class plus ``eps / V`` on every class (the correct one included), as
    ``F.cross_entropy(..., label_smoothing=eps)`` does.
    """
    logp = logits.log_softmax(-1)
    V = logits.shape[-1]
    q = torch.full_like(logp, eps / V).scatter_add(
        -1, target[:, None], torch.full_like(logp[:, :1], 1 - eps)
    )
    return -(q * logp).sum(-1).mean()


def _smoothing_cases():
    g = torch.Generator().manual_seed(7)
    return [
        Case(
            "2 rows, 4 classes, eps = 0.1",
            (
                torch.tensor([[2.0, 0.5, -1.0, 0.0], [0.1, 0.2, 3.0, -0.5]]),
                torch.tensor([0, 2]),
                0.1,
            ),
        ),
        Case(
            "8 rows, 13 classes, eps = 0.2",
            (
                torch.randn(8, 13, generator=g),
                torch.randint(0, 13, (8,), generator=g),
                0.2,
            ),
        ),
        Case(
            "eps = 0 is plain cross-entropy",
            (
                torch.randn(5, 6, generator=g),
                torch.randint(0, 6, (5,), generator=g),
                0.0,
            ),
        ),
    ]


def _smooth_others_only(logits, target, eps):  # eps / (V - 1) on the wrong classes only
    logp = logits.log_softmax(-1)
    V = logits.shape[-1]
    q = torch.full_like(logp, eps / (V - 1)).scatter(-1, target[:, None], 1 - eps)
    return -(q * logp).sum(-1).mean()


def _smooth_no_one_minus_eps(logits, target, eps):  # the correct class keeps weight 1
    logp = logits.log_softmax(-1)
    V = logits.shape[-1]
    q = torch.full_like(logp, eps / V).scatter_add(
        -1, target[:, None], torch.ones_like(logp[:, :1])
    )
    return -(q * logp).sum(-1).mean()


def _smooth_on_probabilities(
    logits, target, eps
):  # log of the softmax forgotten: uses the logits
    V = logits.shape[-1]
    q = torch.full_like(logits, eps / V).scatter_add(
        -1, target[:, None], torch.full_like(logits[:, :1], 1 - eps)
    )
    return -(q * logits).sum(-1).mean()


def _smooth_sum(logits, target, eps):
    return smoothed_cross_entropy(logits, target, eps) * len(target)


label_smoothing = Checker(
    "ex-05-smoothing",
    smoothed_cross_entropy,
    _smoothing_cases,
    mistakes={
        "PyTorch spreads eps / V over *all* V classes, the correct one included (not eps / (V - 1) over "
        "the others)": _smooth_others_only,
        "the correct class gets 1 - eps + eps / V: you left out the 1 - eps": _smooth_no_one_minus_eps,
        "take the log-softmax of the logits first: the cross-entropy needs log-probabilities": _smooth_on_probabilities,
        "average over the rows (a mean, not a sum), as F.cross_entropy does": _smooth_sum,
    },
    hint="q = (1 - eps) one_hot(target) + eps / V; loss = mean over rows of -sum_w q_w log softmax(z)_w",
)


def _check_references():
    """The references agree with PyTorch (run by tests/test_ch05.py)."""
    for case in _smoothing_cases():
        logits, target, eps = case.args
        torch.testing.assert_close(
            smoothed_cross_entropy(logits, target, eps),
            F.cross_entropy(logits, target, label_smoothing=eps),
        )


CHECKERS = [top_p, label_smoothing]
