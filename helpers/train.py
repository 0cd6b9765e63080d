"""A small training loop: mini-batches, epochs, a loss history (chapter 01 writes it by hand first).

The progress bar shows while you work and stays out of stored outputs: it is off when the
environment variable ``HELPERS_PROGRESS`` is ``0``, as the Makefile sets it for executing and
checking the notebooks.
"""

import os
from dataclasses import dataclass, field

import torch
from tqdm.auto import tqdm


@dataclass
class History:
    """Losses recorded by :func:`fit`: one ``train`` value per update, ``val`` per evaluation."""

    train: list = field(default_factory=list)
    val: list = field(default_factory=list)
    val_steps: list = field(default_factory=list)


def progress_enabled() -> bool:
    """Whether :func:`fit` shows a progress bar (``HELPERS_PROGRESS`` unset or not ``0``)."""
    return os.environ.get("HELPERS_PROGRESS", "1") != "0"


def batches(n: int, batch_size: int, generator: torch.Generator):
    """Yield index tensors that cover ``range(n)`` once in a random order, ``batch_size`` at a time."""
    order = torch.randperm(n, generator=generator)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def evaluate(model, loss_fn, X, y) -> float:
    """The mean loss of ``model`` on ``(X, y)``, without building a graph."""
    model.eval()
    with torch.no_grad():
        loss = loss_fn(model(X), y).item()
    model.train()
    return loss


def fit(
    model,
    loss_fn,
    X,
    y,
    optimizer,
    epochs: int,
    batch_size: int | None = None,
    X_val=None,
    y_val=None,
    eval_every: int = 1,
    seed: int = 0,
) -> History:
    """Train ``model`` on ``(X, y)`` with mini-batch updates; return the :class:`History`.

    One epoch visits every example once, in ``ceil(N / batch_size)`` updates
    (``batch_size=None`` means the full batch: one update per epoch). The validation loss is
    recorded every ``eval_every`` epochs when ``X_val, y_val`` are given.
    """
    n = len(y)
    if len(X) != n:
        raise ValueError(f"X and y disagree on the number of examples: {len(X)} vs {n}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    batch_size = n if batch_size is None else batch_size
    if not 1 <= batch_size:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    g = torch.Generator().manual_seed(seed)
    hist = History()
    model.train()
    for epoch in tqdm(range(epochs), disable=not progress_enabled(), leave=False):
        for idx in batches(n, batch_size, g):
            loss = loss_fn(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            hist.train.append(loss.item())
        if X_val is not None and (epoch + 1) % eval_every == 0:
            hist.val.append(evaluate(model, loss_fn, X_val, y_val))
            hist.val_steps.append(len(hist.train))
    return hist
