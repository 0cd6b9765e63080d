"""Chapter 03's demo: a 3x3 filter slides over a digit; stride and padding set the feature map's size."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.widgets import Choice, Demo, Slider

#: Hand-made 3x3 filters: each responds to one local pattern.
FILTERS = {
    "vertical edge": np.array(
        [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]
    ),  # Sobel, x
    "horizontal edge": np.array(
        [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]
    ),  # Sobel, y
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
}


def out_size(n: int, k: int, stride: int, padding: int) -> int:
    """Feature-map side length: floor((n + 2 padding - k) / stride) + 1."""
    return (n + 2 * padding - k) // stride + 1


def correlate(
    image: np.ndarray, w: np.ndarray, stride: int, padding: int
) -> np.ndarray:
    """One filter over one image, as a convolutional layer computes it (no flip, no bias)."""
    k = w.shape[0]
    xp = np.pad(image, padding)
    n_out = out_size(image.shape[0], k, stride, padding)
    out = np.empty((n_out, n_out))
    for i in range(n_out):
        for j in range(n_out):
            out[i, j] = (
                xp[i * stride : i * stride + k, j * stride : j * stride + k] * w
            ).sum()
    return out


def feature_map(images, filters: dict | None = None) -> Demo:
    """Pick a 3x3 filter and a digit; stride and padding move the receptive fields and resize the output.

    ``images``: array ``(N, 8, 8)`` (or any square size); ``filters``: name -> 3x3 array, by default
    :data:`FILTERS` (the notebook adds the filters a CNN learned).
    """
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or images.shape[1] != images.shape[2] or len(images) == 0:
        raise ValueError(f"images must have shape (N, n, n), got {images.shape}")
    filters = dict(FILTERS if filters is None else filters)
    if not filters or any(np.shape(w) != (3, 3) for w in filters.values()):
        raise ValueError("filters must be a non-empty dict of 3x3 arrays")
    n = images.shape[1]

    def render(filter: str, digit: int, stride: int, padding: int):
        w = np.asarray(filters[filter], dtype=float)
        x = images[int(digit)]
        out = correlate(x, w, stride, padding)
        # a plain Figure, not pyplot's: no window manager to create on every redraw
        fig = Figure(figsize=(9.6, 3.4))
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, 3, width_ratios=(1.2, 0.6, 1))
        xp = np.pad(x, padding)
        axes[0].imshow(
            xp,
            cmap="gray_r",
            vmin=0,
            vmax=1,
            extent=(
                -padding - 0.5,
                n + padding - 0.5,
                n + padding - 0.5,
                -padding - 0.5,
            ),
        )
        axes[0].add_patch(
            Rectangle((-0.5, -0.5), n, n, fill=False, ec="gray", ls=":", lw=1)
        )
        last = (
            len(out) - 1
        ) * stride - padding  # top-left pixel of the last receptive field
        for (r, c), color in [
            ((-padding, -padding), "C0"),
            ((-padding, last), "C1"),
            ((last, last), "C3"),
        ]:
            axes[0].add_patch(
                Rectangle((c - 0.5, r - 0.5), 3, 3, fill=False, ec=color, lw=2)
            )
        axes[0].set(title=f"input {n}x{n}, padding {padding}", xticks=[], yticks=[])
        lim = np.abs(w).max()
        axes[1].imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for (r, c), v in np.ndenumerate(w):
            axes[1].text(
                c,
                r,
                f"{v:.2g}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if abs(v) > 0.6 * lim else "black",
            )
        axes[1].set(title=filter, xticks=[], yticks=[])
        lim = max(np.abs(out).max(), 1e-9)
        axes[2].imshow(out, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for (r, c), color in [
            ((0, 0), "C0"),
            ((0, len(out) - 1), "C1"),
            ((len(out) - 1, len(out) - 1), "C3"),
        ]:
            axes[2].add_patch(
                Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec=color, lw=2)
            )
        axes[2].set(
            title=f"feature map {len(out)}x{len(out)} (stride {stride})",
            xticks=[],
            yticks=[],
        )
        # fixed margins (no ticks to make room for): tight_layout would draw everything twice
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.03, top=0.9, wspace=0.12)
        return fig

    return Demo(
        render,
        filter=Choice(list(filters), next(iter(filters))),
        digit=Slider(0, len(images) - 1, 0, integer=True),
        stride=Slider(1, 3, 1, integer=True),
        padding=Slider(0, 2, 1, integer=True),
    )


def examples() -> dict:
    """The chapter's demo on the first ten digits (what the tests render at their extremes)."""
    from sklearn.datasets import load_digits

    return {"feature_map": feature_map(load_digits().images[:10] / 16.0)}
