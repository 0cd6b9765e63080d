"""Chapter 08's checked exercises: the Gaussian KL term of the VAE, and AUROC by counting pairs."""

import torch

from helpers.checker import Case, Checker


def gaussian_kl(mu, logvar):
    """KL(N(mu, diag exp(logvar)) || N(0, I)), one value per row: shape (B, d) -> (B,)."""
    return 0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(-1)


def _kl_cases():
    g = torch.Generator().manual_seed(8)
    return [
        Case(
            "one row, mu = 0, sigma = 1 (KL must be 0)",
            (torch.zeros(1, 3), torch.zeros(1, 3)),
        ),
        Case(
            "4 rows of 3 latent units",
            (torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g)),
        ),
        Case(
            "2 rows, wide variances",
            (torch.randn(2, 5, generator=g), 2 * torch.randn(2, 5, generator=g)),
        ),
    ]


KL_MISTAKES = {
    "the -1 inside the sum is missing (KL must be 0 when q equals the prior)": lambda mu, lv: (
        0.5 * (mu**2 + lv.exp() - lv).sum(-1)
    ),
    "logvar is log sigma^2, not sigma: the variance is exp(logvar)": lambda mu, lv: (
        0.5 * (mu**2 + lv**2 - torch.log(lv**2 + 1e-30) - 1).sum(-1)
    ),
    "sum over the latent units (the last axis), not over the batch": lambda mu, lv: (
        0.5 * (mu**2 + lv.exp() - lv - 1).sum(0)
    ),
    "average over the latent units is wrong: the KL of independent units adds up": lambda mu, lv: (
        0.5 * (mu**2 + lv.exp() - lv - 1).mean(-1)
    ),
    "the log-variance enters with a minus sign: + sigma^2 - log sigma^2": lambda mu, lv: (
        0.5 * (mu**2 + lv.exp() + lv - 1).sum(-1)
    ),
}

kl = Checker(
    "ex-08-kl",
    gaussian_kl,
    _kl_cases,
    mistakes=KL_MISTAKES,
    hint="1/2 sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1), with sigma_j^2 = exp(logvar_j)",
)


def auroc(scores, is_anomaly):
    """AUROC by counting pairs: P(score of an anomaly > score of a normal input), ties count 1/2."""
    pos, neg = scores[is_anomaly], scores[~is_anomaly]
    diff = (
        pos[:, None] - neg[None, :]
    )  # (P, N): every anomaly against every normal input
    return ((diff > 0).double() + 0.5 * (diff == 0).double()).mean()


def _auroc_cases():
    g = torch.Generator().manual_seed(9)
    y = torch.tensor([False, False, True, False, True, False])
    s = torch.tensor([0.1, 0.4, 0.35, 0.8, 0.9, 0.2], dtype=torch.float64)
    ties = torch.tensor([1.0, 2.0, 2.0, 3.0, 2.0, 1.0], dtype=torch.float64)
    y2 = torch.rand(40, generator=g) < 0.3
    return [
        Case("6 scores, 2 anomalies", (s, y)),
        Case(
            "tied scores",
            (ties, torch.tensor([False, True, False, True, False, False])),
        ),
        Case(
            "40 random scores",
            (torch.randn(40, generator=g, dtype=torch.float64) + y2.double(), y2),
        ),
    ]


AUROC_MISTAKES = {
    "a tie between an anomaly and a normal input counts 1/2, not 1": lambda s, y: (
        ((s[y][:, None] - s[~y][None, :]) >= 0).double().mean()
    ),
    "a tie counts 1/2, not 0": lambda s, y: (
        ((s[y][:, None] - s[~y][None, :]) > 0).double().mean()
    ),
    "the comparison is reversed: anomalies should score higher than normal inputs": lambda s, y: (
        ((s[~y][:, None] - s[y][None, :]) > 0).double().mean()
        + 0.5 * ((s[~y][:, None] - s[y][None, :]) == 0).double().mean()
    ),
    "compare anomalies with normal inputs only (P x N pairs), not every pair of inputs": lambda s, y: (
        ((s[:, None] - s[None, :]) > 0).double().mean()
    ),
}

auroc_checker = Checker(
    "ex-08-auroc",
    auroc,
    _auroc_cases,
    mistakes=AUROC_MISTAKES,
    hint="the share of (anomaly, normal) pairs in which the anomaly scores higher, ties 1/2",
)

CHECKERS = [kl, auroc_checker]
