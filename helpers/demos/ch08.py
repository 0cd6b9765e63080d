"""Chapter 08's demos: walk a 2-D latent space through a decoder, and slide a threshold on anomaly scores.

The decoder runs in NumPy on weights copied once from the trained model, and the ROC curve is
computed once, so a redraw only evaluates a tiny MLP or counts scores above a line.
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.widgets import Demo, Slider, changing


def _mlp_numpy(Ws, bs, z):
    """ReLU MLP with a sigmoid output, in NumPy: ``z`` (B, d) -> (B, D)."""
    h = z
    for i, (W, b) in enumerate(zip(Ws, bs)):
        h = h @ W + b
        if i < len(Ws) - 1:
            h = np.maximum(h, 0.0)
    return 1.0 / (1.0 + np.exp(-h))


def latent_walk(Ws, bs, codes, labels, lim: float = 3.0) -> Demo:
    """Pick a point ``(z1, z2)`` of a 2-D latent space and see what the decoder draws there.

    ``Ws``, ``bs``: the decoder's layers as arrays ``(d_in, d_out)`` and ``(d_out,)`` (ReLU between
    them, sigmoid at the end), ``d = 2`` inputs and 64 outputs (an 8x8 image); ``codes``: (N, 2)
    codes of training digits, drawn behind the point; ``labels``: (N,) their digit classes.
    """
    Ws = [np.asarray(W, dtype=float) for W in Ws]
    bs = [np.asarray(b, dtype=float).reshape(-1) for b in bs]
    codes, labels = np.asarray(codes, dtype=float), np.asarray(labels)
    if not Ws or Ws[0].shape[0] != 2 or Ws[-1].shape[1] != 64:
        raise ValueError(
            "the decoder must map 2 latent numbers to 64 pixels (an 8x8 image)"
        )
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) != len(labels):
        raise ValueError(
            f"codes must be (N, 2) with one label each, got {codes.shape} and {labels.shape}"
        )
    # a 7x7 grid of decoded images over the plane, computed once, drawn as a faint mosaic
    centres = {int(c): np.median(codes[labels == c], axis=0) for c in np.unique(labels)}
    grid = np.linspace(-lim, lim, 7)
    mosaic_codes = np.array([[a, b] for b in grid[::-1] for a in grid])
    decoded = _mlp_numpy(Ws, bs, mosaic_codes).reshape(
        7, 7, 8, 8
    )  # (row, column, 8, 8)
    tiles = np.zeros((7 * 10, 7 * 10))  # 2 blank pixels between tiles
    for r in range(7):
        for c in range(7):
            tiles[r * 10 + 1 : r * 10 + 9, c * 10 + 1 : c * 10 + 9] = decoded[r, c]

    # one figure, made once; a redraw moves the two stars and swaps the decoded image
    fig = Figure(figsize=(9.6, 3.3))
    FigureCanvasAgg(fig)
    ax0, ax1, ax2 = fig.subplots(1, 3)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.88, wspace=0.2)
    ax0.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=4, vmin=0, vmax=9)
    for label, (cx, cy) in centres.items():  # each class's digit at its centre
        ax0.text(
            cx, cy, str(label), fontsize=11, weight="bold", ha="center", va="center"
        )
    star0 = ax0.plot([0], [0], "r*", ms=14)[0]
    ax0.set(
        xlim=(-lim, lim),
        ylim=(-lim, lim),
        title="training codes, by digit",
        xlabel="$z_1$",
        ylabel="$z_2$",
        xticks=[-2, 0, 2],
        yticks=[-2, 0, 2],
    )
    step = 2 * lim / 6  # grid spacing: tile centres at the grid
    ax1.imshow(
        tiles,
        cmap="gray_r",
        vmin=0,
        vmax=1,
        extent=(-lim - step / 2, lim + step / 2, -lim - step / 2, lim + step / 2),
    )
    star1 = ax1.plot([0], [0], "r*", ms=12)[0]
    ax1.set(title="decoder over the plane", xticks=[], yticks=[])
    decoded_image = ax2.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
    title2 = ax2.set_title("")
    ax2.set(xticks=[], yticks=[])
    ax2.grid(False)
    ax1.grid(False)
    changing(fig, star0, decoded_image, star1, title2)

    def render(z1: float, z2: float):
        """Training codes in a 2-D latent plane, the decoder's images over it, and the image decoded at one point."""
        decoded_image.set_data(_mlp_numpy(Ws, bs, np.array([[z1, z2]])).reshape(8, 8))
        star0.set_data([z1], [z2])
        star1.set_data([z1], [z2])
        title2.set_text(f"decoded at ({z1:.1f}, {z2:.1f})")
        return fig

    return Demo(
        render, z1=Slider(-lim, lim, 0.0, step=0.1), z2=Slider(-lim, lim, 0.0, step=0.1)
    )


def roc_points(scores, is_anomaly):
    """(FPR, TPR, thresholds) at every distinct score, highest threshold first, from (0, 0) to (1, 1)."""
    s, y = np.asarray(scores, dtype=float), np.asarray(is_anomaly, dtype=bool)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[
        np.flatnonzero(np.diff(s)), len(s) - 1
    ]  # last index of each distinct score
    tpr = np.r_[0.0, np.cumsum(y)[last] / y.sum()]
    fpr = np.r_[0.0, np.cumsum(~y)[last] / (~y).sum()]
    return fpr, tpr, np.r_[np.inf, s[last]]


def threshold(scores, is_anomaly, name: str = "score") -> Demo:
    """A threshold on anomaly scores: the two histograms, the confusion matrix, the point on the ROC.

    ``scores``: (N,) anomaly scores (higher = more anomalous); ``is_anomaly``: (N,) booleans, both
    classes present. An input is flagged when its score exceeds the threshold.
    """
    s, y = (
        np.asarray(scores, dtype=float).reshape(-1),
        np.asarray(is_anomaly, dtype=bool).reshape(-1),
    )
    if len(s) != len(y) or not np.isfinite(s).all():
        raise ValueError("scores must be finite and have one label each")
    if y.all() or not y.any():
        raise ValueError("need both normal and anomalous examples to draw an ROC curve")
    fpr, tpr, _ = roc_points(s, y)
    lo, hi = float(np.quantile(s, 0.0)), float(np.quantile(s, 1.0))
    bins = np.linspace(lo, hi, 30)
    counts = [
        np.histogram(s[group], bins=bins, density=True)[0] for group in (~y, y)
    ]  # once, not per redraw
    start = float(np.quantile(s[~y], 0.9))

    # one figure, made once; a redraw moves the line and the point, and rewrites the counts
    fig = Figure(figsize=(9.6, 3.2))
    FigureCanvasAgg(fig)
    ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=[1.4, 1, 1])
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.16, top=0.85, wspace=0.35)
    ax0.stairs(counts[0], bins, fill=True, alpha=0.6, label="normal")
    ax0.stairs(counts[1], bins, fill=True, alpha=0.6, label="anomaly")
    line = ax0.axvline(start, color="k", ls="--")
    ax0.set(
        xlabel=name,
        ylabel="share (density)",
        title="flag above the line",
        yticks=[],
        xticks=np.round(np.linspace(lo, hi, 3), 3),
    )
    ax0.legend(fontsize=8, loc="upper left")  # fixed: "best" moves with the line
    matrix = ax1.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=len(s))
    cells = {
        (i, j): ax1.text(j, i, "", ha="center", va="center", fontsize=12)
        for i in range(2)
        for j in range(2)
    }
    ax1.set(
        xticks=[0, 1],
        xticklabels=["normal", "anomaly"],
        yticks=[0, 1],
        yticklabels=["normal", "anomaly"],
        xlabel="flagged as",
        ylabel="truth",
        title="confusion matrix",
    )
    ax1.grid(False)
    ax2.plot(fpr, tpr, color="C0")
    ax2.plot([0, 1], [0, 1], color="gray", ls=":")
    point = ax2.plot([0], [0], "ro")[0]
    ax2.set(
        xlabel="false-positive rate",
        ylabel="true-positive rate (recall)",
        xlim=(0, 1),
        ylim=(0, 1.02),
        xticks=[0, 0.5, 1],
        yticks=[0, 0.5, 1],
        aspect="equal",
    )
    title2 = ax2.set_title("", fontsize=9)
    changing(fig, line, matrix, *cells.values(), point, title2)

    def render(thresh: float):
        """Histograms of anomaly scores with a threshold, the confusion matrix it gives, and its point on the ROC curve."""
        flagged = s > thresh
        tp, fp = int((flagged & y).sum()), int((flagged & ~y).sum())
        fn, tn = int((~flagged & y).sum()), int((~flagged & ~y).sum())
        line.set_xdata([thresh, thresh])
        confusion = np.array([[tn, fp], [fn, tp]])
        matrix.set_data(confusion)
        matrix.set_clim(
            0, max(int(confusion.max()), 1)
        )  # as imshow scales a new matrix
        for (i, j), v in np.ndenumerate(confusion):
            cells[i, j].set_text(str(v))  # white on the dark cells, as a reader expects
            cells[i, j].set_color("white" if v > confusion.max() / 2 else "black")
        precision = (
            f"{tp / (tp + fp):.2f}" if tp + fp else "undefined (nothing flagged)"
        )
        point.set_data([fp / (fp + tn)], [tp / (tp + fn)])
        title2.set_text(f"recall {tp / (tp + fn):.2f}, precision {precision}")
        return fig

    return Demo(render, thresh=Slider(lo, hi, min(max(start, lo), hi)))


def examples() -> dict:
    """Both demos on stand-in inputs (the notebook feeds them the trained models)."""
    rng = np.random.default_rng(0)
    Ws = [rng.normal(0, 0.5, (2, 16)), rng.normal(0, 0.5, (16, 64))]
    bs = [np.zeros(16), np.zeros(64)]
    codes, labels = rng.normal(0, 1, (200, 2)), rng.integers(0, 10, 200)
    scores = np.r_[rng.normal(0, 1, 300), rng.normal(2, 1, 30)]
    return {
        "latent_walk": latent_walk(Ws, bs, codes, labels),
        "threshold": threshold(scores, np.r_[np.zeros(300, bool), np.ones(30, bool)]),
    }
