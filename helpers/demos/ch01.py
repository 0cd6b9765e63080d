"""Chapter 01's demos: gradient descent on the error surface, and a sum-of-sigmoids builder."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.plots import notice
from helpers.widgets import Demo, Slider


def _pin_labels(fig, *axes) -> None:
    """Fix these axes' labels (``ax.xaxis``, ``ax.yaxis``) where a first draw put them.

    Matplotlib otherwise re-measures the tick labels on each draw to place an axis label; an axis
    whose tick labels keep one size whatever the sliders (fixed limits, or an x axis of horizontal
    numbers) can skip that. Stored in axes coordinates, so a savefig at another dpi matches.
    """
    fig.canvas.draw()
    for axis in axes:
        ax = axis.axes
        to_axes = ax.transAxes.inverted()
        x, y = (
            axis.label.get_position()
        )  # x axis: (axes, pixels); y axis: (pixels, axes)
        if axis is ax.xaxis:
            axis.set_label_coords(x, to_axes.transform((0, y))[1])
        else:
            axis.set_label_coords(to_axes.transform((x, 0))[0], y)


def descent(x, y, w0: float = -1.0, b0: float = 0.0) -> Demo:
    """Gradient descent on the MSE of ``y ≈ b + w x``, drawn on the error surface ``L(w, b)``.

    The loss is quadratic, so it and its gradient follow from five averages computed once:
    a redraw costs a few hundred arithmetic operations plus the drawing. The figure, with its
    contours, is built once; a redraw only updates the path, the loss curve and the texts.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(
            f"x and y must be 1-D of equal length >= 2, got {x.shape} and {y.shape}"
        )
    mx, my, mxx, mxy, myy = (
        x.mean(),
        y.mean(),
        (x * x).mean(),
        (x * y).mean(),
        (y * y).mean(),
    )

    def loss(w, b):  # L = mean((b + w x - y)^2), expanded
        return w * w * mxx + b * b + myy + 2 * w * b * mx - 2 * w * mxy - 2 * b * my

    def grad(w, b):  # (dL/dw, dL/db)
        return 2 * (w * mxx + b * mx - mxy), 2 * (w * mx + b - my)

    w_star, b_star = np.linalg.solve([[mxx, mx], [mx, 1.0]], [mxy, my])
    W, B = np.meshgrid(
        np.linspace(w_star - 2.5, w_star + 2.5, 120),
        np.linspace(b_star - 6, b_star + 6, 120),
    )
    L = loss(W, B)
    levels = np.geomspace(L.min() + 1e-3, L.max(), 18)
    l_star = float(loss(w_star, b_star))

    # one figure, made once: the error surface's contours depend on no slider
    fig = Figure(figsize=(9, 3.6))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.3, 1))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.28)
    ax1.contour(W, B, L, levels=levels, cmap="viridis", linewidths=0.8)
    (path_line,) = ax1.plot([w0], [b0], "o-", color="crimson", ms=2.5, lw=1)
    ax1.plot([w_star], [b_star], "k*", ms=10, label="minimum $(w^*, b^*)$")
    ax1.set(
        xlim=(W.min(), W.max()), ylim=(B.min(), B.max()), xlabel="$w$", ylabel="$b$"
    )
    title = ax1.set_title("", y=1.0)  # a set y: no title placement pass per draw
    ax1.legend(loc="lower left")
    notice(ax1, "")
    warning = ax1.texts[-1]
    warning.set_visible(False)
    (loss_line,) = ax2.semilogy([0], [max(float(loss(w0, b0)), 1e-12)], color="crimson")
    ax2.axhline(l_star, color="k", ls="--", lw=0.8, label="$L(w^*, b^*)$")
    ax2.set(xlabel="update $t$", ylabel="$L(w^t, b^t)$")
    ax2.set_title("loss", y=1.0)
    ax2.legend()
    _pin_labels(
        fig, ax1.xaxis, ax1.yaxis, ax2.xaxis
    )  # ax2's y tick labels change with the data

    def render(eta: float, steps: int):
        """Gradient descent's path on the error surface L(w, b), and the loss at each update.

        Updates the figure built once (path, loss curve, title, warning) and returns it.
        """
        w, b = float(w0), float(b0)
        ws, bs = [w], [b]
        diverged = None
        for t in range(int(steps)):
            gw, gb = grad(w, b)
            w, b = w - eta * gw, b - eta * gb
            lv = loss(w, b)
            if not np.isfinite(lv) or lv > 1e6:
                diverged = t + 1
                break
            ws.append(w)
            bs.append(b)
        ws, bs = np.array(ws), np.array(bs)
        losses = loss(ws, bs)
        path_line.set_data(ws, bs)
        title.set_text(f"η = {eta:.3g}, {len(ws) - 1} updates")
        warning.set_text(
            f"diverged at update {diverged}:\nthe learning rate is too large"
            if diverged
            else ""
        )
        warning.set_visible(bool(diverged))
        loss_line.set_data(np.arange(len(losses)), losses)
        n = (
            len(losses) - 1
        )  # autoscale's 5% margins; a lone point gets +-0.055, as autoscale gives it
        ax2.set_xlim((-0.05 * n, 1.05 * n) if n else (-0.055, 0.055))
        lo = max(min(losses.min(), l_star), 1e-12)
        hi = max(losses.max(), l_star, lo)
        span = (
            np.log10(hi / lo) if hi > lo else 1.0
        )  # 5% margins in log space, like autoscale
        ax2.set_ylim(lo / 10 ** (0.05 * span), hi * 10 ** (0.05 * span))
        return fig

    return Demo(
        render,
        eta=Slider(1e-3, 0.3, 0.02, log=True),
        steps=Slider(0, 300, 60, integer=True),
    )


def target_curve(x):
    """The smooth curve the sigmoid builder approximates."""
    return np.sin(2 * np.pi * x) + 0.5 * x


def sigmoid_builder() -> Demo:
    """Approximate a curve by a constant plus ``n`` sigmoids ``c_i sigmoid(b_i + w_i x)``.

    The ``n`` sigmoids replace the hard sigmoids of the piecewise-linear interpolant on ``n``
    equal pieces; ``sharpness`` scales each sigmoid's slope (4 matches the hard sigmoid's).
    The figure is built once, with a line for each of up to 40 sigmoids; a redraw updates them.
    """
    x = np.linspace(0, 1, 400)
    f = target_curve(x)
    max_n = 40

    fig = Figure(figsize=(6.4, 4.8))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(2, 1, height_ratios=(2, 1), sharex=True)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.93, hspace=0.1)
    ax1.plot(x, f, "k", lw=2, label="target")
    (approx,) = ax1.plot(x, f, color="C1", lw=1.5, label="constant + 0 sigmoids")
    title = ax1.set_title("", y=1.0)  # a set y: no title placement pass per draw
    legend = ax1.legend(loc="lower left")
    approx_label = legend.get_texts()[1]
    part_lines = [ax2.plot(x, np.zeros_like(x), lw=0.8)[0] for _ in range(max_n)]
    ax2.set(xlabel="$x_1$", ylabel="$c_i\\,\\sigma(b_i + w_i x_1)$")
    pad = 0.05 * (x[-1] - x[0])
    ax2.set_xlim(x[0] - pad, x[-1] + pad)
    _pin_labels(fig, ax2.xaxis)  # ax2's y tick labels change with the data

    def limits(lo, hi):  # autoscale's 5% margins, without relim over every line
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        return lo - 0.05 * span, hi + 0.05 * span

    def render(n: int, sharpness: float):
        """A target curve, its fit by a constant plus n sigmoids, and each sigmoid below it.

        Updates the figure built once (curve, sigmoids, title, legend) and returns it.
        """
        n = int(n)
        knots = np.linspace(0, 1, n + 1)
        c = np.diff(target_curve(knots))  # height of each step
        width = 1.0 / n
        w = sharpness / width  # slope of sigmoid i
        b = -w * (knots[:-1] + width / 2)  # centred in its piece
        z = b[:, None] + w * x[None, :]  # (n, len(x))
        parts = c[:, None] * 0.5 * (1 + np.tanh(z / 2))  # c_i sigmoid(z), overflow-free
        y = target_curve(0.0) + parts.sum(0)
        mse = np.mean((y - f) ** 2)
        approx.set_ydata(y)
        label = f"constant + {n} sigmoids"
        approx.set_label(label)
        approx_label.set_text(label)
        title.set_text(f"{n} sigmoids, sharpness {sharpness:.3g}: MSE = {mse:.2g}")
        ax1.set_ylim(*limits(min(f.min(), y.min()), max(f.max(), y.max())))
        shown = parts[:max_n]
        for i, line in enumerate(part_lines):
            if i < len(shown):
                line.set_ydata(shown[i])
            line.set_visible(i < len(shown))
        ax2.set_ylim(*limits(shown.min(), shown.max()))
        return fig

    return Demo(
        render, n=Slider(1, 40, 6, integer=True), sharpness=Slider(0.5, 50, 4, log=True)
    )


def examples() -> dict:
    """The chapter's demos built on the chapter's data (what the tests render at their extremes)."""
    from helpers.data import daily_views, windows

    X, y = windows(daily_views(), 1)  # yesterday's views -> today's
    return {
        "descent": descent(X[:, 0].numpy(), y.numpy()),
        "sigmoid_builder": sigmoid_builder(),
    }
