"""Chapter 07's checked exercises: the best answer span (extractive QA) and the mean reciprocal rank."""

import torch
import torch.nn.functional as F

from helpers.checker import Case, Checker


def _best_span(z_s, z_e, max_len):
    T = len(z_s)
    score = z_s[:, None] + z_e[None, :]
    s, e = torch.arange(T)[:, None], torch.arange(T)[None, :]
    valid = (s <= e) & (e - s + 1 <= max_len)
    best = int(torch.where(valid, score, -torch.inf).argmax())
    return torch.tensor(divmod(best, T))


def _span_independent(
    z_s, z_e, max_len
):  # start and end chosen separately: e may come before s
    return torch.tensor([int(z_s.argmax()), int(z_e.argmax())])


def _span_no_limit(z_s, z_e, max_len):  # forgets the length limit
    return _best_span(z_s, z_e, len(z_s))


def _span_off_by_one(z_s, z_e, max_len):  # e - s <= max_len: one word too many
    return _best_span(z_s, z_e, max_len + 1)


def _span_swapped(z_s, z_e, max_len):  # returns (e, s)
    return _best_span(z_s, z_e, max_len).flip(0)


def _span_cases():
    g = torch.Generator().manual_seed(7)
    z = torch.randn(2, 12, generator=g)
    return [
        Case(
            "end scores peak before start scores",
            (torch.tensor([0.0, 0, 0, 0, 5, 0]), torch.tensor([0.0, 4, 0, 0, 0, 1]), 6),
        ),
        Case(
            "a long span that the limit forbids",
            (
                torch.tensor([3.0, 0, 0, 0, 0, 0, 0]),
                torch.tensor([0.0, 0, 0, 0, 0, 0, 3]),
                3,
            ),
        ),
        Case(
            "the limit exactly",
            (torch.tensor([2.0, 0, 0, 0, 0]), torch.tensor([0.0, 0, 1, 3, 0]), 3),
        ),
        Case("random scores, 12 positions", (z[0], z[1], 4)),
    ]


best_span = Checker(
    "ex-07-span",
    _best_span,
    _span_cases,
    mistakes={
        "off by one: a span from s to e holds e - s + 1 words, so e - s + 1 <= max_len": _span_off_by_one,
        "the answer may be at most max_len words long: e - s + 1 <= max_len": _span_no_limit,
        "you picked the start and the end separately; the end may not come before the start (s <= e)": _span_independent,
        "you returned (e, s); return the start first": _span_swapped,
    },
    hint="score every pair (s, e) as z_s[s] + z_e[e], keep s <= e and e - s + 1 <= max_len, take the largest",
)


def _mrr(A, B):
    S = F.normalize(A, dim=1) @ F.normalize(B, dim=1).T
    rank = 1 + (S > S.diagonal()[:, None]).sum(1)
    return (1.0 / rank).mean()


def _mrr_dot(A, B):  # dot product instead of cosine
    S = A @ B.T
    rank = 1 + (S > S.diagonal()[:, None]).sum(1)
    return (1.0 / rank).mean()


def _mrr_zero_based(A, B):  # rank counted from 0 then shifted the wrong way
    S = F.normalize(A, dim=1) @ F.normalize(B, dim=1).T
    rank = (S > S.diagonal()[:, None]).sum(1)
    return (1.0 / (rank + 2)).mean()


def _mrr_mean_rank(A, B):  # the mean rank, not the mean reciprocal rank
    S = F.normalize(A, dim=1) @ F.normalize(B, dim=1).T
    return (1 + (S > S.diagonal()[:, None]).sum(1)).float().mean()


def _mrr_reciprocal_of_mean(A, B):  # 1 / mean rank instead of mean of 1 / rank
    return 1.0 / _mrr_mean_rank(A, B)


def _mrr_wrong_axis(A, B):  # ranks the rows of A for each row of B
    return _mrr(B, A)


def _mrr_cases():
    g = torch.Generator().manual_seed(3)
    A = torch.randn(6, 4, generator=g)
    B = A + 0.9 * torch.randn(6, 4, generator=g)
    B = (
        B * torch.linspace(0.2, 3.0, 6)[:, None]
    )  # different lengths: cosine and dot product disagree
    C = torch.randn(10, 5, generator=g)
    D = (
        torch.cat(
            [
                C[:5] + 0.1 * torch.randn(5, 5, generator=g),
                torch.randn(5, 5, generator=g),
            ]
        )
        * torch.linspace(0.5, 4.0, 10)[:, None]
    )
    return [
        Case("a perfect copy", (C, C.clone())),
        Case("noisy copies of different lengths", (A, B)),
        Case("half aligned, half random", (C, D)),
    ]


mrr = Checker(
    "ex-07-mrr",
    _mrr,
    _mrr_cases,
    mistakes={
        "rank by cosine similarity: normalize the rows first (a dot product favours long vectors)": _mrr_dot,
        "the nearest neighbour has rank 1, so rank = 1 + the number of candidates that score higher": _mrr_zero_based,
        "average the reciprocal ranks 1 / r_i, not the ranks": _mrr_mean_rank,
        "average 1 / r_i; one over the mean rank is a different number": _mrr_reciprocal_of_mean,
        "for each row of A, rank the rows of B (you ranked A's rows for each row of B)": _mrr_wrong_axis,
    },
    hint="S = cosine similarities (n, n); the true translation of A[i] is B[i], at S[i, i]",
)

CHECKERS = [best_span, mrr]
