"""Chapter 04's demos: an attention-map explorer, and gradient norms across time in an RNN and an LSTM."""

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from torch import nn

from helpers.attention import scaled_dot_product_attention, sinusoidal_positions
from helpers.widgets import Demo, Slider


def explorer_inputs(words: list, d_model: int = 16, seed: int = 0):
    """The explorer's inputs: each distinct word's random embedding ``a`` (T, D) and the sinusoidal ``e`` (T, D)."""
    if len(words) < 2:
        raise ValueError("need at least two words")
    vocab = sorted(set(words))
    g = torch.Generator().manual_seed(seed)
    table = 0.6 * torch.randn(
        len(vocab), d_model, generator=g
    )  # one embedding per distinct word
    return table[[vocab.index(w) for w in words]], sinusoidal_positions(
        len(words), d_model
    )


def _pin_layout(fig) -> None:
    """Draw ``fig`` once, then pin its axis labels where matplotlib put them.

    Later draws then skip measuring every tick label to place the axis labels (about a fifth of
    a redraw here); the tick labels never change, so neither would those positions. Titles are
    pinned by passing ``y=1.0`` to ``set_title``.
    """
    fig.canvas.draw()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            xy = ax.transAxes.inverted().transform(
                label.get_transform().transform(label.get_position())
            )
            axis.set_label_coords(*xy)


def attention_explorer(words: list, d_model: int = 16, seed: int = 0) -> Demo:
    """Self-attention over ``words`` with ``W^q = W^k = W^v = I``: relevance is plain similarity.

    Each distinct word gets a random embedding (same word, same vector). Without positional
    encoding, repeated words get identical attention rows; adding ``pe_scale`` times the
    sinusoidal encoding makes nearby positions more alike and tells the repeats apart.
    """
    a, e = explorer_inputs(words, d_model, seed)
    T = len(words)

    # one figure, made once; a redraw only updates the image, the marker line, the bars and a title
    fig = Figure(figsize=(9.5, 3.8))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1, 1.2))
    fig.subplots_adjust(
        left=0.1, right=0.98, bottom=0.27, top=0.92, wspace=0.2
    )  # tight_layout: 3x slower
    image = ax1.imshow(
        np.zeros((T, T)), cmap="Blues", vmin=0, vmax=1, interpolation="nearest"
    )
    marker = ax1.axhline(0, color="crimson", lw=2, alpha=0.6)
    ax1.set(
        xticks=range(T),
        yticks=range(T),
        xlabel="key position $j$",
        ylabel="query position $i$",
    )
    ax1.set_title(
        "attention weights $\\alpha'_{i,j}$", y=1.0
    )  # y given: not re-placed on each draw
    ax1.set_xticklabels(words, rotation=90, fontsize=8)
    ax1.set_yticklabels(words, fontsize=8)
    bars = ax2.bar(range(T), np.zeros(T), color="C0")
    ax2.set(xticks=range(T), ylim=(0, 1), ylabel="weight")
    ax2.set_xticklabels(words, rotation=90, fontsize=8)
    title = ax2.set_title("", y=1.0)
    _pin_layout(fig)

    def render(query: int, pe_scale: float):
        """Attention weights of every word over every other word (heatmap), and one query's row (bars).

        The heatmap's row ``i`` is query ``i``'s softmax weights over the keys; the bars repeat the
        chosen query's row, with the words equal to the query's word in red.
        """
        query = int(min(max(query, 0), T - 1))
        x = a + pe_scale * e  # a^i + e^i
        _, A = scaled_dot_product_attention(
            x, x, x
        )  # (T, T), row i = weights of query i
        A = A.numpy()
        image.set_data(A)
        marker.set_ydata([query, query])
        for w, bar, h in zip(words, bars, A[query]):
            bar.set_height(float(h))
            bar.set_color("crimson" if w == words[query] else "C0")
        title.set_text(
            f"query {query} ('{words[query]}'), positional encoding x {pe_scale:.2g}"
        )
        return fig

    return Demo(
        render,
        query=Slider(0, T - 1, 1, integer=True),
        pe_scale=Slider(0.0, 3.0, 0.0, step=0.25),
    )


def gradient_across_time(
    T_max: int = 100, d_in: int = 8, H: int = 16, seed: int = 0
) -> Demo:
    """How much the last output of a tanh RNN and of an LSTM depends on the input ``lag`` steps back.

    Plots ``||d(u . h^T) / d x^{T-lag}||`` over the lag, for an RNN whose recurrent matrix is
    ``radius`` times a random orthogonal matrix, and an LSTM whose forget-gate bias is
    ``forget_bias``. One forward and backward pass per model per new setting (a few ms each);
    settings already seen are remembered.
    """
    g = torch.Generator().manual_seed(seed)
    x0 = torch.randn(1, T_max + 1, d_in, generator=g)  # (B=1, T, D)
    u = torch.randn(H, generator=g)  # a fixed read-out direction
    Q = torch.linalg.qr(torch.randn(H, H, generator=g))[0]  # random orthogonal (H, H)
    torch.manual_seed(seed)
    rnn, lstm = nn.RNN(d_in, H, batch_first=True), nn.LSTM(d_in, H, batch_first=True)
    with torch.no_grad():
        lstm.bias_ih_l0[H : 2 * H] = (
            0.0  # the forget gate's bias lives in bias_hh_l0 alone
        )
    lags = np.arange(T_max + 1)

    def grad_norms(model):
        x = x0.clone().requires_grad_(True)
        out, _ = model(x)  # (1, T, H)
        (out[0, -1] @ u).backward()
        return x.grad[0].norm(dim=1).flip(0).numpy()  # index = lag

    rnn_cache, lstm_cache = (
        {},
        {},
    )  # each curve depends on one slider only: remember them

    def rnn_curve(radius: float):
        key = round(float(radius), 9)
        if key not in rnn_cache:
            with torch.no_grad():
                rnn.weight_hh_l0.copy_(radius * Q)
            rnn_cache[key] = grad_norms(rnn)
        return rnn_cache[key]

    def lstm_curve(forget_bias: float):
        key = round(float(forget_bias), 9)
        if key not in lstm_cache:
            with torch.no_grad():
                lstm.bias_hh_l0[H : 2 * H] = (
                    forget_bias  # PyTorch's gate order: i, f, g, o
                )
            lstm_cache[key] = grad_norms(lstm)
        return lstm_cache[key]

    # one figure, made once; a redraw only swaps the two curves, the legend's texts and a note
    fig = Figure(figsize=(7, 3.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    fig.subplots_adjust(
        left=0.12, right=0.98, bottom=0.14, top=0.92
    )  # tight_layout: several times slower
    (rnn_line,) = ax.semilogy(lags, np.ones(len(lags)), color="C3", label="tanh RNN")
    (lstm_line,) = ax.semilogy(lags, np.ones(len(lags)), color="C0", label="LSTM")
    ax.set(
        xlabel="lag: steps between the input and the output",
        xlim=(-0.05 * T_max, 1.05 * T_max),
        ylim=(1e-12, 1e6),
        ylabel="$\\|\\partial y / \\partial x^{T-\\mathrm{lag}}\\|$",
    )
    ax.set_title(
        "how far back can the gradient reach?", y=1.0
    )  # y given: not re-placed on each draw
    ticks = [
        1e-12,
        1e-8,
        1e-4,
        1.0,
        1e4,
    ]  # plain labels: no mathtext to parse per redraw
    ax.set_yticks(
        ticks, [f"{t:.0e}".replace("e+00", "").replace("1e+0", "1e") for t in ticks]
    )
    ax.minorticks_off()
    legend = ax.legend(loc="lower left")
    rnn_label, lstm_label = legend.get_texts()
    note = ax.text(
        0.98,
        0.95,
        "radius > 1: the RNN's gradient can grow with the lag (explode)",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=8,
        visible=False,
    )
    _pin_layout(fig)

    def render(radius: float, forget_bias: float):
        """Gradient norm of the last output with respect to each earlier input, for a tanh RNN and an LSTM.

        Log scale over the lag (steps back): a contracting RNN's curve falls fast, an LSTM with a
        large forget-gate bias keeps it flat.
        """
        for line, legend_text, gn, name in [
            (rnn_line, rnn_label, rnn_curve(radius), f"tanh RNN, radius {radius:.2g}"),
            (
                lstm_line,
                lstm_label,
                lstm_curve(forget_bias),
                f"LSTM, forget bias {forget_bias:.2g}",
            ),
        ]:
            ok = np.isfinite(gn) & (gn > 0)
            line.set_data(lags[ok], np.maximum(gn[ok], 1e-30))
            line.set_label(name)
            legend_text.set_text(name)
        note.set_visible(radius > 1.0)
        return fig

    return Demo(
        render,
        radius=Slider(0.25, 2.0, 1.0, step=0.05),
        forget_bias=Slider(-2.0, 8.0, 1.0, step=0.5),
    )


def examples() -> dict:
    """The chapter's demos as the notebook builds them (the tests render them at their extremes)."""
    return {
        "attention": attention_explorer(
            "the cat sat on the mat because the cat was tired".split()
        ),
        "gradients": gradient_across_time(),
    }
