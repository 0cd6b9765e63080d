"""Chapter 11's checked exercises: importance weights, the DANN schedule, the domain loss."""

import math

import torch
import torch.nn.functional as F

from helpers.checker import Case, Checker


def _normal_pdf(x, mu, sigma):
    return torch.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))


def importance_weight_ref(x, mu_s, sigma_s, mu_t, sigma_t):
    """w(x) = p_T(x) / p_S(x) for one-dimensional Gaussian source and target densities."""
    return _normal_pdf(x, mu_t, sigma_t) / _normal_pdf(x, mu_s, sigma_s)


importance_weight = Checker(
    "ex-11-weights",
    importance_weight_ref,
    cases=lambda: [
        Case(
            "same spread, shifted mean", (torch.linspace(-2, 2, 5), 0.0, 1.0, 1.0, 1.0)
        ),
        Case("different spreads", (torch.linspace(-3, 3, 7), 0.0, 2.0, 0.5, 0.5)),
    ],
    mistakes={
        "the ratio is upside down: weight by target density over source density": lambda x, ms, ss, mt, st: (
            _normal_pdf(x, ms, ss) / _normal_pdf(x, mt, st)
        ),
        "the normalizing constants 1/(sigma sqrt(2 pi)) are missing; they do not cancel when the "
        "spreads differ": lambda x, ms, ss, mt, st: torch.exp(
            -0.5 * ((x - mt) / st) ** 2 + 0.5 * ((x - ms) / ss) ** 2
        ),
        "sigma is a standard deviation: divide (x - mu) by sigma, not by sigma squared": lambda x, ms, ss, mt, st: (
            _normal_pdf(x, mt, st**2) / _normal_pdf(x, ms, ss**2)
        ),
    },
    hint="write each Gaussian density in full and divide target by source",
)


def dann_lambda_ref(p, gamma=10.0):
    """The reversal strength after a fraction ``p`` of training: 2 / (1 + exp(-gamma p)) - 1."""
    return 2 / (1 + torch.exp(-gamma * p)) - 1


dann_lambda = Checker(
    "ex-11-schedule",
    dann_lambda_ref,
    cases=lambda: [
        Case(
            "start, middle and end of training", (torch.tensor([0.0, 0.1, 0.5, 1.0]),)
        ),
        Case("a slower schedule", (torch.linspace(0, 1, 6), 3.0)),
    ],
    mistakes={
        "the schedule must start at 0 when p = 0: subtract 1": lambda p, gamma=10.0: (
            2 / (1 + torch.exp(-gamma * p))
        ),
        "the exponent is -gamma p: with +gamma p lambda falls instead of rising": lambda p, gamma=10.0: (
            2 / (1 + torch.exp(gamma * p)) - 1
        ),
        "the factor 2 makes the schedule end near 1; without it it ends near 0": lambda p, gamma=10.0: (
            1 / (1 + torch.exp(-gamma * p)) - 1
        ),
    },
    hint="lambda_p = 2 / (1 + exp(-gamma p)) - 1 rises from 0 to almost 1",
)


def domain_loss_ref(d_source, d_target):
    """Binary cross-entropy of the domain classifier's logits: source is domain 0, target 1."""
    logits = torch.cat([d_source, d_target])
    labels = torch.cat([torch.zeros_like(d_source), torch.ones_like(d_target)])
    return F.binary_cross_entropy_with_logits(logits, labels)


def _cases_domain():
    g = torch.Generator().manual_seed(11)
    return [
        Case(
            "four source and four target logits",
            (torch.randn(4, generator=g), torch.randn(4, generator=g)),
        ),
        Case(
            "more target than source",
            (torch.randn(3, generator=g), torch.randn(6, generator=g) + 1),
        ),
    ]


domain_loss = Checker(
    "ex-11-domain-loss",
    domain_loss_ref,
    cases=_cases_domain,
    mistakes={
        "the domain labels are swapped: source is 0, target is 1": lambda s, t: (
            F.binary_cross_entropy_with_logits(
                torch.cat([s, t]), torch.cat([torch.ones_like(s), torch.zeros_like(t)])
            )
        ),
        "the loss is a mean over all examples of both domains, not a sum": lambda s, t: (
            F.binary_cross_entropy_with_logits(
                torch.cat([s, t]),
                torch.cat([torch.zeros_like(s), torch.ones_like(t)]),
                reduction="sum",
            )
        ),
        "the inputs are logits: apply the sigmoid (or use the with-logits loss) before the log": lambda s, t: (
            -(
                torch.cat([(1 - s).clamp_min(1e-6).log(), t.clamp_min(1e-6).log()])
            ).mean()
        ),
    },
    hint="concatenate the logits, label source 0 and target 1, and average the binary cross-entropy",
)

CHECKERS = [importance_weight, dann_lambda, domain_loss]
