"""Chapter 12's checked exercises: discounted returns, PPO's clipped objective."""

import torch

from helpers.checker import Case, Checker


def discounted_returns_ref(r, gamma):
    """G_t = sum_{n >= t} gamma^(n - t) r_n for a 1-D tensor of rewards r_1..r_T."""
    G, run = torch.zeros_like(r), torch.zeros((), dtype=r.dtype)
    for t in range(len(r) - 1, -1, -1):
        run = r[t] + gamma * run
        G[t] = run
    return G


def _cases_returns():
    g = torch.Generator().manual_seed(12)
    return [
        Case(
            "rewards 1, 0, 2, 0, 1 with gamma 0.9",
            (torch.tensor([1.0, 0, 2, 0, 1]), 0.9),
        ),
        Case("ten random rewards with gamma 0.5", (torch.randn(10, generator=g), 0.5)),
    ]


def _no_discount(r, gamma):
    return r.flip(0).cumsum(0).flip(0)


def _from_start(r, gamma):
    w = gamma ** torch.arange(len(r), dtype=r.dtype)
    return (w * r).flip(0).cumsum(0).flip(0)


def _next_only(r, gamma):
    G = discounted_returns_ref(r, gamma)
    return torch.cat([G[1:], torch.zeros(1, dtype=r.dtype)])


def _forward(r, gamma):
    G, run = torch.zeros_like(r), torch.zeros((), dtype=r.dtype)
    for t in range(len(r)):
        run = r[t] + gamma * run
        G[t] = run
    return G


discounted_returns = Checker(
    "ex-12-returns",
    discounted_returns_ref,
    cases=_cases_returns,
    mistakes={
        "the rewards are not discounted: each later reward needs a factor gamma "
        "per step of delay": _no_discount,
        "the discount counts from the start of the episode (gamma^n); it counts "
        "from t, gamma^(n - t), so G_t starts with r_t at full weight": _from_start,
        "G_t includes the reward r_t of step t itself; yours starts one step "
        "later": _next_only,
        "the return sums the rewards that come after step t, not those before "
        "it: run G_t = r_t + gamma G_(t+1) backwards, from the last step": _forward,
    },
    hint="G_T = r_T, then G_t = r_t + gamma G_(t+1) going backwards",
)


def ppo_clip_ref(ratio, A, eps):
    """PPO's clipped surrogate: mean of min(ratio A, clip(ratio, 1-eps, 1+eps) A)."""
    return torch.minimum(ratio * A, ratio.clamp(1 - eps, 1 + eps) * A).mean()


def _cases_ppo():
    g = torch.Generator().manual_seed(13)
    ratio = torch.tensor([0.5, 0.9, 1.0, 1.1, 1.5, 2.0, 0.7, 1.3])
    A = torch.tensor([1.0, -1.0, 2.0, -2.0, 1.0, -1.0, -0.5, 0.5])
    return [
        Case("eight hand-picked ratios and advantages, eps 0.2", (ratio, A, 0.2)),
        Case(
            "fifty random ones, eps 0.1",
            (torch.rand(50, generator=g) * 2, torch.randn(50, generator=g), 0.1),
        ),
    ]


ppo_clip = Checker(
    "ex-12-ppo-clip",
    ppo_clip_ref,
    cases=_cases_ppo,
    mistakes={
        "take the minimum of the two terms, not the maximum: the clipped "
        "objective is a pessimistic bound": lambda r, A, e: torch.maximum(
            r * A, r.clamp(1 - e, 1 + e) * A
        ).mean(),
        "the clipped term alone is not enough: the minimum with the unclipped "
        "ratio A keeps a bad move (A < 0, ratio > 1 + eps) penalized": lambda r, A, e: (
            r.clamp(1 - e, 1 + e) * A
        ).mean(),
        "without clipping this is the plain importance-weighted objective; clip "
        "the ratio to [1 - eps, 1 + eps]": lambda r, A, e: (r * A).mean(),
        "clip the ratio, not the advantage": lambda r, A, e: torch.minimum(
            r * A, r * A.clamp(1 - e, 1 + e)
        ).mean(),
    },
    hint="mean over steps of min(ratio * A, clamp(ratio, 1 - eps, 1 + eps) * A)",
)

CHECKERS = [discounted_returns, ppo_clip]
