"""Chapter 13's demos: prune to a chosen sparsity, and soften a teacher's outputs with a temperature."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.widgets import Choice, Demo, Slider, changing


def sparsity(levels, before, after, dense, kept_inputs) -> Demo:
    """Pick a sparsity; see accuracy before and after fine-tuning, and which pixels stay wired.

    ``levels``: the sparsities the chapter pruned to (fractions, increasing); ``before`` and
    ``after``: arrays ``(len(levels), seeds)`` of test accuracy right after pruning and after
    fine-tuning; ``dense``: the unpruned accuracy per seed; ``kept_inputs``: array
    ``(len(levels), 8, 8)``, how many first-layer weights each input pixel keeps (seed 0).
    """
    levels = np.asarray(levels, dtype=float)
    before, after = np.asarray(before, float), np.asarray(after, float)
    kept_inputs = np.asarray(kept_inputs, float)
    if len(levels) < 2 or before.shape != after.shape or len(before) != len(levels):
        raise ValueError(
            "need at least two levels, and before/after of shape (levels, seeds)"
        )
    if kept_inputs.shape[0] != len(levels):
        raise ValueError("kept_inputs needs one 8x8 map per level")
    pct = 100 * levels

    # one figure, made once; a redraw moves a marker, swaps an image and texts
    fig = Figure(figsize=(8.6, 3.4))
    FigureCanvasAgg(fig)
    ax, ax_img = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.15, top=0.85, wspace=0.25)
    for arr, colour, name in [(before, "C3", "pruned"), (after, "C0", "fine-tuned")]:
        ax.plot(pct, arr, "o", color=colour, ms=3, alpha=0.5)
        ax.plot(pct, arr.mean(1), "-", color=colour, label=name)
    ax.axhline(np.mean(dense), color="k", ls=":", lw=1, label="dense")
    ax.set(xlabel="weights pruned (%)", ylabel="test accuracy", ylim=(0, 1.02))
    ax.legend(fontsize=8, loc="lower left")
    marker = ax.axvline(pct[0], color="grey", lw=6, alpha=0.25)
    image = ax_img.imshow(
        kept_inputs[0], cmap="viridis", vmin=0, vmax=kept_inputs.max() or 1
    )
    ax_img.set(xticks=[], yticks=[])
    img_title = ax_img.set_title("", fontsize=9)
    title = fig.suptitle("", fontsize=10)
    changing(fig, marker, image, img_title, title)

    def render(sparsity: float):
        i = int(np.argmin(np.abs(levels - sparsity)))
        marker.set_xdata([pct[i], pct[i]])
        image.set_data(kept_inputs[i])
        image.set_clim(0, kept_inputs[i].max() or 1)  # brightest = most weights kept
        img_title.set_text(
            f"first-layer weights kept per pixel\n(seed 0, {pct[i]:g}% pruned)"
        )
        title.set_text(
            f"{pct[i]:g}% of weights pruned: accuracy {before[i].mean():.1%} right after, "
            f"{after[i].mean():.1%} after fine-tuning (mean of {before.shape[1]} seeds)"
        )
        return fig

    return Demo(
        render,
        sparsity=Choice([float(v) for v in levels], float(levels[len(levels) // 2])),
    )


def temperature(logits, image, label: int) -> Demo:
    """Pick a temperature; see a teacher's softmax over the ten digits soften as it rises.

    ``logits``: the teacher's ten logits for one image; ``image``: that image (8 x 8); ``label``:
    its true digit.
    """
    logits = np.asarray(logits, dtype=float)
    image = np.asarray(image, dtype=float)
    if logits.shape != (10,) or image.shape != (8, 8):
        raise ValueError("need 10 logits and one 8x8 image")
    K = len(logits)
    fig = Figure(figsize=(8.0, 3.0))
    FigureCanvasAgg(fig)
    ax_img, ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 3]})
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.17, top=0.84, wspace=0.3)
    ax_img.imshow(image, cmap="gray_r")
    ax_img.set(xticks=[], yticks=[], title=f"an image of a {label}")
    bars = ax.bar(range(K), np.full(K, 1 / K), color="C0")
    ax.axhline(1 / K, color="grey", ls=":", lw=1)
    ax.set(xticks=range(K), xlabel="digit", ylabel="softened probability", ylim=(0, 1))
    title = ax.set_title("", fontsize=10)

    def render(T: float):
        z = logits / T
        p = np.exp(z - z.max())
        p /= p.sum()
        for bar, v in zip(bars, p):
            bar.set_height(v)
        H = -(p * np.log2(np.clip(p, 1e-300, None))).sum()
        second = np.argsort(p)[-2]
        title.set_text(
            f"T = {T:.3g}: entropy {H:.2f} bits (uniform: {np.log2(K):.2f}); "
            f"runner-up digit {second} gets {p[second]:.1%}"
        )
        return fig

    return Demo(render, T=Slider(0.5, 20.0, 1.0, step=0.5))


def examples() -> dict:
    """Both demos on made-up numbers, for the tests."""
    levels = np.array([0.0, 0.5, 0.8, 0.9, 0.95, 0.98])
    rng = np.random.default_rng(0)
    before = np.clip(1 - levels[:, None] ** 4 + rng.normal(0, 0.02, (6, 3)), 0, 1)
    after = np.clip(1 - levels[:, None] ** 20 + rng.normal(0, 0.01, (6, 3)), 0, 1)
    kept = rng.integers(0, 128, (6, 8, 8)) * (1 - levels[:, None, None])
    logits = np.array([0.0, 6.0, 0.5, 1.0, 0.0, 0.2, -1.0, 4.0, 0.3, 0.1])
    return {
        "sparsity": sparsity(levels, before, after, [0.97, 0.98, 0.97], kept),
        "temperature": temperature(logits, rng.random((8, 8)), 1),
    }
