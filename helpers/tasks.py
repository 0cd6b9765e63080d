"""Streams of tasks made from the 8x8 digits, for life-long learning (chapter 14).

A task is a tuple ``(X_train, y_train, X_test, y_test)`` of flat images ``(N, 64)`` and
labels ``(N,)``. ``permuted_digits`` shuffles the 64 pixels with one fixed permutation
per task (task 1 keeps the identity); ``split_digits`` keeps only some classes per task;
``clean_digits`` is the digits as they are.
"""

import torch

from helpers.data import digits


def _flat(seed: int):
    X_tr, y_tr, X_te, y_te = digits(seed=seed)
    return X_tr.flatten(1), y_tr, X_te.flatten(1), y_te  # (N, 64)


def permutations(n_tasks: int, seed: int = 0) -> torch.Tensor:
    """``(n_tasks, 64)`` pixel orders: row 0 the identity, the rest set by ``seed``."""
    if n_tasks < 1:
        raise ValueError(f"n_tasks must be at least 1, got {n_tasks}")
    g = torch.Generator().manual_seed(seed)
    rows = [torch.arange(64)] + [
        torch.randperm(64, generator=g) for _ in range(n_tasks - 1)
    ]
    return torch.stack(rows)


def permuted_digits(n_tasks: int = 5, seed: int = 0) -> list:
    """``n_tasks`` tasks: the same digits, pixels shuffled by :func:`permutations`."""
    X_tr, y_tr, X_te, y_te = _flat(seed)
    return [(X_tr[:, p], y_tr, X_te[:, p], y_te) for p in permutations(n_tasks, seed)]


def clean_digits(seed: int = 0):
    """The digits as they are, flattened: one task with all ten classes."""
    return _flat(seed)


def split_digits(classes: list, seed: int = 0) -> list:
    """One task per group of classes, e.g. ``[[0, 1], [2, 3]]``; labels unchanged."""
    if not classes or any(len(c) == 0 for c in classes):
        raise ValueError("classes must list at least one non-empty group of digits")
    if any(not 0 <= k <= 9 for c in classes for k in c):
        raise ValueError(f"digits are 0..9, got {classes}")
    X_tr, y_tr, X_te, y_te = _flat(seed)
    tasks = []
    for c in classes:
        keep_tr, keep_te = (
            torch.isin(y_tr, torch.tensor(c)),
            torch.isin(y_te, torch.tensor(c)),
        )
        tasks.append((X_tr[keep_tr], y_tr[keep_tr], X_te[keep_te], y_te[keep_te]))
    return tasks
