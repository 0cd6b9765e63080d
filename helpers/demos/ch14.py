"""Chapter 14's demo: EWC's lambda, the accuracy matrix it gives, and the trade-off."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.widgets import Demo, Slider, changing


def scores(R: np.ndarray) -> tuple:
    """Average accuracy and backward transfer of an accuracy matrix ``(T + 1, T)``.

    Row 0 holds the accuracies before any training, row i those after task i.
    """
    T = R.shape[1]
    acc = R[T].mean()
    bwt = np.mean([R[T, j] - R[j + 1, j] for j in range(T - 1)])
    return float(acc), float(bwt)


def lambda_sweep(matrices: dict) -> Demo:
    """Pick EWC's lambda; see its accuracy matrix and where it sits on the trade-off.

    ``matrices``: lambda -> accuracy matrix ``(T + 1, T)`` (row 0 before any training,
    row i after task i), precomputed; the slider snaps to the nearest lambda on a log
    scale (0 is drawn left of the smallest positive lambda).
    """
    if not matrices:
        raise ValueError("need at least one lambda's accuracy matrix")
    lams = np.array(sorted(matrices), dtype=float)
    mats = [np.asarray(matrices[k], dtype=float) for k in sorted(matrices)]
    if any(m.ndim != 2 or m.shape[0] != m.shape[1] + 1 for m in mats):
        raise ValueError("each accuracy matrix must have shape (T + 1, T)")
    if np.isnan(np.stack(mats)).any():
        raise ValueError("accuracy matrices contain NaN")
    positive = lams[lams > 0]
    if len(positive) == 0:
        raise ValueError("need at least one positive lambda")
    lo, hi = positive.min(), positive.max()
    x_of = lambda lam: (
        np.log10(lam) if lam > 0 else np.log10(lo) - 1
    )  # 0 drawn left of lo
    xs = np.array([x_of(v) for v in lams])
    acc, bwt = np.array([scores(m) for m in mats]).T
    newest = np.array([np.mean([m[i + 1, i] for i in range(m.shape[1])]) for m in mats])
    T = mats[0].shape[1]

    fig = Figure(figsize=(9.2, 3.6))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.25))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.86, wspace=0.35)
    im = ax1.imshow(mats[0][1:], vmin=0, vmax=1, cmap="viridis")
    ax1.set(
        xticks=range(T),
        yticks=range(T),
        xticklabels=[f"{j + 1}" for j in range(T)],
        yticklabels=[f"{i + 1}" for i in range(T)],
        xlabel="evaluated on task j",
        ylabel="after training task i",
    )
    texts = [
        [ax1.text(j, i, "", ha="center", va="center", fontsize=8) for j in range(T)]
        for i in range(T)
    ]
    ax2.plot(xs, acc, "o-", color="C0", label="average accuracy (end)")
    ax2.plot(xs, 1 + bwt, "s-", color="C3", label="1 + backward transfer")
    ax2.plot(xs, newest, "d-", color="C2", label="new task, just learned")
    marker = ax2.axvline(xs[0], color="k", ls=":")
    ax2.set(
        ylim=(0, 1.05),
        xticks=xs,
        xticklabels=[f"{v:g}" for v in lams],
        xlabel="EWC's lambda (log scale; leftmost point: 0)",
    )
    ax1.grid(False)
    ax2.legend(fontsize=7, loc="lower left")
    title = fig.suptitle("")
    changing(fig, im, *[t for row in texts for t in row], marker, title)

    def render(lam: float):
        """EWC's accuracy matrix at one lambda beside forgetting vs intransigence."""
        lam = float(lam)
        if not np.isfinite(lam) or lam < 0:
            raise ValueError(f"lambda must be a non-negative number, got {lam}")
        k = int(np.argmin(np.abs(xs - x_of(lam))))
        R = mats[k]
        im.set_data(R[1:])
        for i in range(T):
            for j in range(T):
                v = R[i + 1, j]
                texts[i][j].set_text(f"{v:.2f}")
                texts[i][j].set_color("k" if v > 0.6 else "w")
        marker.set_xdata([xs[k], xs[k]])
        title.set_text(
            f"EWC, lambda = {lams[k]:g}: average accuracy {acc[k]:.2f}, "
            f"backward transfer {bwt[k]:+.2f}, new task {newest[k]:.2f}"
        )
        return fig

    return Demo(
        render,
        lam=Slider(
            float(lo),
            float(hi),
            float(lams[len(lams) // 2]) if lams[len(lams) // 2] > 0 else float(lo),
            log=True,
        ),
    )


def examples() -> dict:
    """The demo on made-up matrices (more lambda: less forgetting, less learning)."""
    T, out = 4, {}
    for lam in [0.0, 1.0, 10.0, 100.0]:
        keep, learn = lam / (lam + 10), 1 - lam / (lam + 300)
        R = np.full((T + 1, T), 0.1)
        for i in range(T):
            R[i + 1, i] = 0.95 * learn
            for j in range(i):
                R[i + 1, j] = 0.1 + (R[i, j] - 0.1) * (0.4 + 0.6 * keep)
        out[lam] = R
    return {"lambda_sweep": lambda_sweep(out)}
