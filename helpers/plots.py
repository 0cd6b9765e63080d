"""Figures several chapters draw: training curves, and a clear notice inside a plot (chapter 01)."""

import matplotlib.pyplot as plt
import numpy as np


def notice(ax, text: str) -> None:
    """Write a boxed message in the middle of ``ax``: how a demo says "this setting breaks"."""
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        wrap=True,
        fontsize=11,
        color="darkred",
        zorder=10,
        bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred", alpha=0.9),
    )


def loss_curves(
    curves: dict,
    ax=None,
    xlabel: str = "update",
    ylabel: str = "loss",
    logy: bool = True,
    smooth: int = 1,
):
    """Plot named loss curves ``{label: values}`` (or ``{label: (steps, values)}``) on one axes.

    ``smooth > 1`` draws a running mean over that many points, for noisy mini-batch losses.
    """
    if ax is None:
        _, ax = plt.subplots()
    for label, c in curves.items():
        steps, values = c if isinstance(c, tuple) else (np.arange(1, len(c) + 1), c)
        values = np.asarray(values, dtype=float)
        if smooth > 1 and len(values) >= smooth:
            values = np.convolve(values, np.ones(smooth) / smooth, mode="valid")
            steps = np.asarray(steps)[smooth - 1 :]
        ax.plot(steps, values, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax
