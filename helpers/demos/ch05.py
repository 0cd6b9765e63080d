"""Chapter 05's figures and demo: a decoding tree, and beam search stepped token by token."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.plots import notice
from helpers.widgets import Demo, Slider


def decision_tree(tree: dict, greedy_path: str, best_path: str):
    """Draw a two-step decoding tree ``{first: (p, {second: q})}``, greedy path red, best path green."""
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    firsts = list(tree)
    leaves = [(a, b) for a in firsts for b in tree[a][1]]
    y_leaf = {leaf: len(leaves) - 1 - n for n, leaf in enumerate(leaves)}
    y_first = {a: np.mean([y_leaf[(a, b)] for b in tree[a][1]]) for a in firsts}
    y_root = np.mean(list(y_first.values()))

    def edge(x0, y0, x1, y1, p, on):
        colour = {"greedy": "crimson", "best": "green", "both": "purple"}.get(
            on, "lightgray"
        )
        ax.plot([x0, x1], [y0, y1], color=colour, lw=3 if on else 1.2, zorder=1)
        ax.text(
            (x0 + x1) / 2, (y0 + y1) / 2 + 0.12, f"{p:.2f}", ha="center", fontsize=9
        )

    def which(path):
        g, b = greedy_path.startswith(path), best_path.startswith(path)
        return "both" if g and b else "greedy" if g else "best" if b else None

    for a in firsts:
        p, nxt = tree[a]
        edge(0, y_root, 1, y_first[a], p, which(a))
        for b, q in nxt.items():
            edge(1, y_first[a], 2, y_leaf[(a, b)], q, which(a + b))
            ax.text(
                2.08,
                y_leaf[(a, b)],
                f"{a}{b}: P = {p * q:.2f}",
                va="center",
                fontsize=9,
            )
    for x, ys, names in [
        (0, [y_root], ["<s>"]),
        (1, [y_first[a] for a in firsts], firsts),
        (2, [y_leaf[leaf] for leaf in leaves], [leaf[1] for leaf in leaves]),
    ]:
        for y, name in zip(ys, names):
            ax.text(
                x,
                y,
                name,
                ha="center",
                va="center",
                zorder=3,
                bbox=dict(boxstyle="circle", facecolor="white", edgecolor="k"),
            )
    ax.plot([], [], color="crimson", lw=3, label="greedy")
    ax.plot([], [], color="green", lw=3, label="most probable sequence")
    ax.legend(loc="upper left")
    ax.set(
        xlim=(-0.3, 2.9),
        ylim=(-0.8, len(leaves) - 0.2),
        xticks=[0, 1, 2],
        xticklabels=["start", "step 1", "step 2"],
        yticks=[],
    )
    ax.grid(False)
    fig.tight_layout()
    return fig


def beam_decoding(traces: dict, source: list, names: list) -> Demo:
    """Step through beam search: ``traces[K]`` lists, per step, (prefixes (K, t), scores (K,), attention (K, t, S)).

    Every frame is precomputed by the notebook's ``beam_search(..., record=True)``, so a redraw only draws.
    """
    if not traces or any(len(tr) == 0 for tr in traces.values()):
        raise ValueError(
            "traces must hold at least one recorded step for each beam width"
        )
    traces = {
        K: [tuple(np.asarray(a, dtype=float) for a in step) for step in tr]
        for K, tr in traces.items()
    }
    widths, n_steps = sorted(traces), min(len(tr) for tr in traces.values())
    S = len(source)
    figures, frames = (
        {},
        {},
    )  # one figure per beam width, made on first use; each frame's numbers and labels

    def frame(K: int, step: int):
        """What the figure shows for beam width ``K`` after ``step``: computed once, then looked up."""
        if (K, step) not in frames:
            prefixes, scores, attn = traces[K][step - 1]
            best = int(np.argmax(scores))
            finite = np.isfinite(scores)
            texts = []
            for k in range(len(scores)):
                text = " ".join(
                    names[int(t)] for t in prefixes[k] if names[int(t)] != "·"
                )
                texts.append(
                    f"{text}   (log P = {scores[k]:.2f})" if finite[k] else "(empty)"
                )
            bars = np.where(finite, -scores, 0.0)
            frames[K, step] = {
                "image": attn[best][:, :S],
                "tokens": [names[int(t)] for t in prefixes[best]],
                "bars": bars,
                "colours": ["green" if k == best else "C0" for k in range(len(scores))],
                "texts": texts,
                "xmax": 1.05 * float(bars.max())
                if len(bars) and bars.max() > 0
                else 1.0,
            }
        return frames[K, step]

    def figure(K: int):
        """The figure for beam width ``K``: axes, image, one bar and one label per beam, made once."""
        if K in figures:
            return figures[K]
        fig = Figure(figsize=(9, 3.4))
        FigureCanvasAgg(fig)
        if K not in traces:
            ax = fig.subplots()
            notice(ax, f"no beam of width {K} was recorded")
            figures[K] = (fig, None)
            return figures[K]
        ax1, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.2))
        fig.subplots_adjust(left=0.085, right=0.98, bottom=0.17, top=0.89, wspace=0.07)
        first = frame(K, 1)
        image = ax1.imshow(first["image"], cmap="Greys", vmin=0, vmax=1, aspect="auto")
        ax1.set(
            xticks=range(S),
            xticklabels=source,
            xlabel="input",
            ylabel="output so far (best prefix)",
        )
        ax1.grid(False)
        # titles and x-labels at fixed places, so a draw need not measure tick labels to place them
        ax1.set_title("cross-attention, last block", y=1.0)
        ax1.xaxis.set_label_coords(0.5, -0.12)
        n = len(first["bars"])
        bars = ax2.barh(np.arange(n), first["bars"], color=first["colours"])
        labels = [
            ax2.text(
                0.02,
                k,
                "",
                va="center",
                transform=ax2.get_yaxis_transform(),
                fontsize=9,
            )
            for k in range(n)
        ]
        ax2.set(
            yticks=[],
            xlabel="\u2212log P of the prefix (shorter bar = more probable)",
            ylim=(n - 0.5, -0.5),
        )
        ax2.xaxis.set_label_coords(0.5, -0.12)
        figures[K] = (
            fig,
            {
                "ax1": ax1,
                "ax2": ax2,
                "image": image,
                "bars": bars.patches,
                "labels": labels,
                "title": ax2.set_title("", y=1.0),
            },
        )
        return figures[K]

    def render(step: int, K: int):
        """Beam search stepped token by token: the best prefix's cross-attention and every prefix in the beam."""
        K = int(K) if float(K).is_integer() else K
        fig, parts = figure(K)
        if parts is None:
            return fig
        step = int(min(max(step, 1), n_steps))
        f = frame(K, step)
        t = len(f["tokens"])
        parts["image"].set_data(f["image"])
        parts["image"].set_extent((-0.5, S - 0.5, t - 0.5, -0.5))
        parts["ax1"].set(xlim=(-0.5, S - 0.5), ylim=(t - 0.5, -0.5))
        parts["ax1"].set_yticks(range(t), labels=f["tokens"])
        for bar, label, width, colour, text in zip(
            parts["bars"], parts["labels"], f["bars"], f["colours"], f["texts"]
        ):
            bar.set_width(width)
            bar.set_facecolor(colour)
            label.set_text(text)
        parts["ax2"].set_xlim(0, f["xmax"])
        parts["title"].set_text(f"beam of width K = {K} after step {step}")
        return fig

    return Demo(
        render,
        step=Slider(1, n_steps, min(4, n_steps), integer=True),
        K=Slider(min(widths), max(widths), min(3, max(widths)), integer=True),
    )


def _synthetic_traces(S: int = 5, V: int = 13, steps: int = 6, seed: int = 0) -> dict:
    """Random but well-formed traces, for tests (the notebook records real ones)."""
    rng = np.random.default_rng(seed)
    traces = {}
    for K in range(1, 5):
        tr = []
        for t in range(1, steps + 1):
            prefixes = rng.integers(0, V, (K, t))
            scores = -np.sort(rng.uniform(0, 3 * t, K))
            attn = rng.dirichlet(np.ones(S), (K, t))
            tr.append((prefixes, scores, attn))
        traces[K] = tr
    return traces


def examples() -> dict:
    """The chapter's demo on synthetic traces (what the tests render at every slider's extremes)."""
    names = [str(d) for d in range(10)] + ["·", "<s>", "</s>"]
    return {"beam_decoding": beam_decoding(_synthetic_traces(), list("24071"), names)}
