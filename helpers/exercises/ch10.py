"""Chapter 10's checked exercises: FGSM step, L-infinity projection, targeted loss."""

import torch
import torch.nn.functional as F

from helpers.checker import Case, Checker


def fgsm_step_ref(x0, grad, eps):
    """Non-targeted FGSM: step up the cross-entropy by eps per pixel, clip to [0, 1]."""
    return (x0 + eps * grad.sign()).clamp(0, 1)


def _cases_fgsm():
    g = torch.Generator().manual_seed(10)
    return [
        Case(
            "four pixels, two of them at the edge of the range",
            (
                torch.tensor([[0.0, 0.5, 1.0, 0.95]]),
                torch.tensor([[-1.0, 2.0, 0.5, -0.1]]),
                0.1,
            ),
        ),
        Case(
            "a batch of three 8x8 digits",
            (torch.rand(3, 64, generator=g), torch.randn(3, 64, generator=g), 0.2),
        ),
    ]


fgsm_step = Checker(
    "ex-10-fgsm",
    fgsm_step_ref,
    cases=_cases_fgsm,
    mistakes={
        "the attack wants to increase e: add eps sign(grad), do not subtract it": (
            lambda x, g, e: (x - e * g.sign()).clamp(0, 1)
        ),
        "FGSM uses only the sign of the gradient: every pixel moves by exactly eps": (
            lambda x, g, e: (x + e * g).clamp(0, 1)
        ),
        "pixels must stay in [0, 1]: clip the result": lambda x, g, e: x + e * g.sign(),
        "the step is eps times the sign: the sign alone moves every pixel by 1": (
            lambda x, g, e: (x + g.sign()).clamp(0, 1)
        ),
    },
    hint="x0 + eps * sign(grad), then clamp to [0, 1]",
)


def project_linf_ref(x, x0, eps):
    """The closest point to ``x`` with ``|x - x0| <= eps`` per pixel, in [0, 1]."""
    lo, hi = (x0 - eps).clamp(min=0), (x0 + eps).clamp(max=1)
    return torch.max(torch.min(x, hi), lo)


def _cases_project():
    g = torch.Generator().manual_seed(11)
    x0 = torch.rand(4, 64, generator=g)
    return [
        Case(
            "five pixels: inside, above, below the ball, and beyond the range",
            (
                torch.tensor([0.55, 0.9, 0.1, 1.3, -0.2]),
                torch.tensor([0.5, 0.5, 0.5, 0.95, 0.05]),
                0.1,
            ),
        ),
        Case(
            "a batch of four 8x8 images after a large step",
            (x0 + 0.5 * torch.randn(4, 64, generator=g), x0, 0.15),
        ),
    ]


project_linf = Checker(
    "ex-10-project",
    project_linf_ref,
    cases=_cases_project,
    mistakes={
        "the image must also stay in the pixel range: clip to [0, 1] as well": (
            lambda x, x0, e: x0 + (x - x0).clamp(-e, e)
        ),
        "the budget limits the change x - x0, not only the pixel range": (
            lambda x, x0, e: x.clamp(0, 1)
        ),
        "clip the change x - x0 to [-eps, eps], not the image x itself": (
            lambda x, x0, e: x.clamp(-e, e).clamp(0, 1)
        ),
        "the ball is centred on the clean image x0; return an image, not the change": (
            lambda x, x0, e: (x - x0).clamp(-e, e)
        ),
    },
    hint="clip each pixel to [max(x0 - eps, 0), min(x0 + eps, 1)]",
)


def targeted_loss_ref(logits, y, target):
    """The lecture's targeted loss: -e(y, y_hat) + e(y, y_target), batch means."""
    return -F.cross_entropy(logits, y) + F.cross_entropy(logits, target)


def _cases_targeted():
    g = torch.Generator().manual_seed(12)
    return [
        Case(
            "four examples, three classes",
            (
                torch.randn(4, 3, generator=g),
                torch.tensor([0, 1, 2, 0]),
                torch.tensor([1, 2, 0, 2]),
            ),
        ),
        Case(
            "eight digits",
            (
                torch.randn(8, 10, generator=g) * 3,
                torch.arange(8),
                (torch.arange(8) + 1) % 10,
            ),
        ),
    ]


targeted_loss = Checker(
    "ex-10-targeted",
    targeted_loss_ref,
    cases=_cases_targeted,
    mistakes={
        "the signs are swapped: push away from the true class (-e), toward the "
        "target (+e)": lambda z, y, t: F.cross_entropy(z, y) - F.cross_entropy(z, t),
        "the targeted loss keeps the non-targeted term -e(y, y_hat) too": (
            lambda z, y, t: F.cross_entropy(z, t)
        ),
        "average over the batch, do not sum": lambda z, y, t: (
            -F.cross_entropy(z, y, reduction="sum")
            + F.cross_entropy(z, t, reduction="sum")
        ),
        "F.cross_entropy takes the logits and applies the softmax itself: do not pass "
        "probabilities": lambda z, y, t: (
            -F.cross_entropy(z.softmax(-1), y) + F.cross_entropy(z.softmax(-1), t)
        ),
    },
    hint="-F.cross_entropy(logits, y) + F.cross_entropy(logits, target)",
)

CHECKERS = [fgsm_step, project_linf, targeted_loss]
