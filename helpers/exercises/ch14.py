"""Chapter 14's checked exercises: backward transfer, the A-GEM projection."""

import torch

from helpers.checker import Case, Checker


def backward_transfer_ref(R):
    """BWT: mean over tasks j < T of R[T, j] - R[j, j] (row 0: before any training)."""
    T = R.shape[1]
    return torch.stack([R[T, j - 1] - R[j, j - 1] for j in range(1, T)]).mean()


def _cases_bwt():
    g = torch.Generator().manual_seed(14)
    R3 = torch.tensor(
        [[0.1, 0.1, 0.1], [0.9, 0.2, 0.1], [0.6, 0.9, 0.3], [0.5, 0.7, 0.95]]
    )
    R5 = torch.rand(6, 5, generator=g, dtype=torch.float64)
    return [
        Case("a hand-made 3-task matrix (rows: before, after task 1, 2, 3)", (R3,)),
        Case("a random 5-task matrix", (R5,)),
    ]


backward_transfer = Checker(
    "ex-14-bwt",
    backward_transfer_ref,
    cases=_cases_bwt,
    mistakes={
        "the last task has nothing after it to forget: average over the first "
        "T - 1 tasks only": lambda R: torch.stack(
            [R[-1, j] - R[j + 1, j] for j in range(R.shape[1])]
        ).mean(),
        "backward transfer is the final accuracy minus the accuracy just after "
        "learning (negative when the model forgets), not the other way round": (
            lambda R: -backward_transfer_ref(R)
        ),
        "row j of R is the model after task j (row 0 is before any training): the "
        "accuracy just after learning task j is R[j, j - 1] with 0-based columns": (
            lambda R: torch.stack(
                [R[-1, j] - R[j, j] for j in range(R.shape[1] - 1)]
            ).mean()
        ),
        "R[i, j] is the accuracy on task j after training task i: you swapped rows and "
        "columns": lambda R: torch.stack(
            [R[j + 1, -1] - R[j + 1, j] for j in range(R.shape[1] - 1)]
        ).mean(),
    },
    hint="average R[T, j] - R[j, j] over the first T - 1 tasks (columns 0-based)",
)


def agem_project_ref(g, g_ref):
    """A-GEM: keep g if it agrees with g_ref, else remove its component along g_ref."""
    dot = (g * g_ref).sum()
    if dot >= 0:
        return g.clone()
    return g - dot / (g_ref * g_ref).sum() * g_ref


def _cases_agem():
    gen = torch.Generator().manual_seed(41)
    g, g_ref = torch.randn(6, generator=gen), torch.randn(6, generator=gen)
    if (g * g_ref).sum() > 0:
        g_ref = -g_ref
    return [
        Case(
            "two 2-vectors at an obtuse angle",
            (torch.tensor([1.0, -2.0]), torch.tensor([0.0, 1.0])),
        ),
        Case(
            "two 2-vectors that agree (nothing to do)",
            (torch.tensor([1.0, 2.0]), torch.tensor([0.5, 1.0])),
        ),
        Case("random 6-vectors at an obtuse angle", (g, g_ref)),
    ]


agem_project = Checker(
    "ex-14-agem",
    agem_project_ref,
    cases=_cases_agem,
    mistakes={
        "project only when the gradients disagree (g . g_ref < 0); otherwise g is "
        "already allowed and stays as it is": lambda g, r: (
            g - (g * r).sum() / (r * r).sum() * r
        ),
        "divide by g_ref . g_ref, the squared length, not by the length": lambda g, r: (
            g if (g * r).sum() >= 0 else g - (g * r).sum() / (r * r).sum().sqrt() * r
        ),
        "subtract the component along g_ref (the dot product is negative): you "
        "added it, which makes things worse": lambda g, r: (
            g if (g * r).sum() >= 0 else g + (g * r).sum() / (r * r).sum() * r
        ),
        "the memory gradient g_ref is the constraint, g is what gets projected; "
        "you projected g_ref onto g": lambda g, r: (
            g if (g * r).sum() >= 0 else r - (g * r).sum() / (g * g).sum() * g
        ),
    },
    hint="g_tilde = g - (g . g_ref / g_ref . g_ref) g_ref when g . g_ref < 0, else g",
)

CHECKERS = [backward_transfer, agem_project]
