"""Chapter 04's demos: an attention-map explorer, and gradient norms across time in an RNN and an LSTM."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from helpers.attention import scaled_dot_product_attention, sinusoidal_positions
from helpers.plots import notice
from helpers.widgets import Choice, Demo, Slider


def explorer_inputs(words: list, d_model: int = 16, seed: int = 0):
    """The explorer's inputs: each distinct word's random embedding ``a`` (T, D) and the sinusoidal ``e`` (T, D)."""
    if len(words) < 2:
        raise ValueError("need at least two words")
    vocab = sorted(set(words))
    g = torch.Generator().manual_seed(seed)
    table = 0.6 * torch.randn(len(vocab), d_model, generator=g)  # one embedding per distinct word
    return table[[vocab.index(w) for w in words]], sinusoidal_positions(len(words), d_model)


def attention_explorer(words: list, d_model: int = 16, seed: int = 0) -> Demo:
    """Self-attention over ``words`` with ``W^q = W^k = W^v = I``: relevance is plain similarity.

    Each distinct word gets a random embedding (same word, same vector). Without positional
    encoding, repeated words get identical attention rows; adding ``pe_scale`` times the
    sinusoidal encoding makes nearby positions more alike and tells the repeats apart.
    """
    a, e = explorer_inputs(words, d_model, seed)
    T = len(words)

    def render(query: int, pe_scale: float):
        query = int(min(max(query, 0), T - 1))
        x = a + pe_scale * e  # a^i + e^i
        _, A = scaled_dot_product_attention(x, x, x)  # (T, T), row i = weights of query i
        A = A.numpy()
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.8), width_ratios=(1, 1.2))
        ax1.imshow(A, cmap="Blues", vmin=0, vmax=1)
        ax1.axhline(query, color="crimson", lw=2, alpha=0.6)
        ax1.set(xticks=range(T), yticks=range(T), xlabel="key position $j$", ylabel="query position $i$",
                title="attention weights $\\alpha'_{i,j}$")
        ax1.set_xticklabels(words, rotation=90, fontsize=8)
        ax1.set_yticklabels(words, fontsize=8)
        colors = ["crimson" if w == words[query] else "C0" for w in words]
        ax2.bar(range(T), A[query], color=colors)
        ax2.set(xticks=range(T), ylim=(0, 1), ylabel="weight",
                title=f"query {query} ('{words[query]}'), positional encoding x {pe_scale:.2g}")
        ax2.set_xticklabels(words, rotation=90, fontsize=8)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.27, top=0.92, wspace=0.2)  # tight_layout: 3x slower
        return fig

    return Demo(render, query=Slider(0, T - 1, 1, integer=True),
                pe_scale=Slider(0.0, 3.0, 0.0, step=0.25))


def gradient_across_time(T_max: int = 100, d_in: int = 8, H: int = 16, seed: int = 0) -> Demo:
    """How much the last output of a tanh RNN and of an LSTM depends on the input ``lag`` steps back.

    Plots ``||d(u . h^T) / d x^{T-lag}||`` over the lag, for an RNN whose recurrent matrix is
    ``radius`` times a random orthogonal matrix, and an LSTM whose forget-gate bias is
    ``forget_bias``. One forward and backward pass per model per redraw (a few ms each).
    """
    g = torch.Generator().manual_seed(seed)
    x0 = torch.randn(1, T_max + 1, d_in, generator=g)  # (B=1, T, D)
    u = torch.randn(H, generator=g)  # a fixed read-out direction
    Q = torch.linalg.qr(torch.randn(H, H, generator=g))[0]  # random orthogonal (H, H)
    torch.manual_seed(seed)
    rnn, lstm = nn.RNN(d_in, H, batch_first=True), nn.LSTM(d_in, H, batch_first=True)
    base_rnn, base_lstm = rnn.state_dict(), lstm.state_dict()

    def grad_norms(model):
        x = x0.clone().requires_grad_(True)
        out, _ = model(x)  # (1, T, H)
        (out[0, -1] @ u).backward()
        return x.grad[0].norm(dim=1).flip(0).numpy()  # index = lag

    def render(radius: float, forget_bias: float):
        with torch.no_grad():
            rnn.load_state_dict(base_rnn)
            rnn.weight_hh_l0.copy_(radius * Q)
            lstm.load_state_dict(base_lstm)
            lstm.bias_hh_l0[H:2 * H] = forget_bias  # PyTorch's gate order: i, f, g, o
            lstm.bias_ih_l0[H:2 * H] = 0.0
        lags = np.arange(T_max + 1)
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for model, name, color in [(rnn, f"tanh RNN, radius {radius:.2g}", "C3"),
                                   (lstm, f"LSTM, forget bias {forget_bias:.2g}", "C0")]:
            gn = grad_norms(model)
            ok = np.isfinite(gn) & (gn > 0)
            ax.semilogy(lags[ok], np.maximum(gn[ok], 1e-30), color=color, label=name)
        ax.set(xlabel="lag: steps between the input and the output", ylim=(1e-12, 1e6),
               ylabel="$\\|\\partial y / \\partial x^{T-\\mathrm{lag}}\\|$",
               title="how far back can the gradient reach?")
        ticks = [1e-12, 1e-8, 1e-4, 1.0, 1e4]                  # plain labels: no mathtext to parse per redraw
        ax.set_yticks(ticks, [f"{t:.0e}".replace("e+00", "").replace("1e+0", "1e") for t in ticks])
        ax.minorticks_off()
        ax.legend(loc="lower left")
        if radius > 1.0:
            ax.text(0.98, 0.95, "radius > 1: the RNN's gradient can grow with the lag (explode)",
                    transform=ax.transAxes, ha="right", va="top", fontsize=8)
        fig.subplots_adjust(left=0.12, right=0.98, bottom=0.14, top=0.92)  # tight_layout: several times slower
        return fig

    return Demo(render, radius=Slider(0.25, 2.0, 1.0, step=0.05), forget_bias=Slider(-2.0, 8.0, 1.0, step=0.5))


def examples() -> dict:
    """The chapter's demos as the notebook builds them (the tests render them at their extremes)."""
    return {"attention": attention_explorer("the cat sat on the mat because the cat was tired".split()),
            "gradients": gradient_across_time()}
