"""Chapter 01's demos: gradient descent on the error surface, and a sum-of-sigmoids builder."""

import matplotlib.pyplot as plt
import numpy as np

from helpers.plots import notice
from helpers.widgets import Demo, Slider


def descent(x, y, w0: float = -1.0, b0: float = 0.0) -> Demo:
    """Gradient descent on the MSE of ``y ≈ b + w x``, drawn on the error surface ``L(w, b)``.

    The loss is quadratic, so it and its gradient follow from five averages computed once:
    a redraw costs a few hundred arithmetic operations plus the drawing.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got {x.shape} and {y.shape}")
    mx, my, mxx, mxy, myy = x.mean(), y.mean(), (x * x).mean(), (x * y).mean(), (y * y).mean()

    def loss(w, b):  # L = mean((b + w x - y)^2), expanded
        return w * w * mxx + b * b + myy + 2 * w * b * mx - 2 * w * mxy - 2 * b * my

    def grad(w, b):  # (dL/dw, dL/db)
        return 2 * (w * mxx + b * mx - mxy), 2 * (w * mx + b - my)

    w_star, b_star = np.linalg.solve([[mxx, mx], [mx, 1.0]], [mxy, my])
    W, B = np.meshgrid(np.linspace(w_star - 2.5, w_star + 2.5, 120),
                       np.linspace(b_star - 6, b_star + 6, 120))
    L = loss(W, B)
    levels = np.geomspace(L.min() + 1e-3, L.max(), 18)

    def render(eta: float, steps: int):
        path = [(w0, b0)]
        diverged = None
        for t in range(steps):
            gw, gb = grad(*path[-1])
            w, b = path[-1][0] - eta * gw, path[-1][1] - eta * gb
            if not np.isfinite(loss(w, b)) or loss(w, b) > 1e6:
                diverged = t + 1
                break
            path.append((w, b))
        path = np.array(path)
        losses = loss(path[:, 0], path[:, 1])
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6), width_ratios=(1.3, 1))
        ax1.contour(W, B, L, levels=levels, cmap="viridis", linewidths=0.8)
        ax1.plot(path[:, 0], path[:, 1], "o-", color="crimson", ms=2.5, lw=1)
        ax1.plot([w_star], [b_star], "k*", ms=10, label="minimum $(w^*, b^*)$")
        ax1.set(xlim=(W.min(), W.max()), ylim=(B.min(), B.max()), xlabel="$w$", ylabel="$b$",
                title=f"$\\eta$ = {eta:.3g}, {len(path) - 1} updates")
        ax1.legend(loc="lower left")
        ax2.semilogy(np.arange(len(losses)), losses, color="crimson")
        ax2.axhline(loss(w_star, b_star), color="k", ls="--", lw=0.8, label="$L(w^*, b^*)$")
        ax2.set(xlabel="update $t$", ylabel="$L(w^t, b^t)$", title="loss")
        ax2.legend()
        if diverged:
            notice(ax1, f"diverged at update {diverged}:\nthe learning rate is too large")
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.28)  # fixed: tight_layout costs ~3 redraws
        return fig

    return Demo(render, eta=Slider(1e-3, 0.3, 0.02, log=True), steps=Slider(0, 300, 60, integer=True))


def target_curve(x):
    """The smooth curve the sigmoid builder approximates."""
    return np.sin(2 * np.pi * x) + 0.5 * x


def sigmoid_builder() -> Demo:
    """Approximate a curve by a constant plus ``n`` sigmoids ``c_i sigmoid(b_i + w_i x)``.

    The ``n`` sigmoids replace the hard sigmoids of the piecewise-linear interpolant on ``n``
    equal pieces; ``sharpness`` scales each sigmoid's slope (4 matches the hard sigmoid's).
    """
    x = np.linspace(0, 1, 400)
    f = target_curve(x)

    def render(n: int, sharpness: float):
        knots = np.linspace(0, 1, n + 1)
        c = np.diff(target_curve(knots))  # height of each step
        width = 1.0 / n
        w = sharpness / width  # slope of sigmoid i
        b = -w * (knots[:-1] + width / 2)  # centred in its piece
        z = b[:, None] + w * x[None, :]  # (n, len(x))
        parts = c[:, None] * 0.5 * (1 + np.tanh(z / 2))  # c_i sigmoid(z), overflow-free
        y = target_curve(0.0) + parts.sum(0)
        mse = np.mean((y - f) ** 2)
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(6.4, 4.8), height_ratios=(2, 1), sharex=True)
        ax1.plot(x, f, "k", lw=2, label="target")
        ax1.plot(x, y, color="C1", lw=1.5, label=f"constant + {n} sigmoids")
        ax1.set(title=f"{n} sigmoids, sharpness {sharpness:.3g}: MSE = {mse:.2g}")
        ax1.legend(loc="lower left")
        for p in parts[:40]:
            ax2.plot(x, p, lw=0.8)
        ax2.set(xlabel="$x_1$", ylabel="$c_i\\,\\sigma(b_i + w_i x_1)$")
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.93, hspace=0.1)
        return fig

    return Demo(render, n=Slider(1, 40, 6, integer=True), sharpness=Slider(0.5, 50, 4, log=True))


def examples() -> dict:
    """The chapter's demos built on the chapter's data (what the tests render at their extremes)."""
    from helpers.data import daily_views, windows

    X, y = windows(daily_views(), 1)  # yesterday's views -> today's
    return {"descent": descent(X[:, 0].numpy(), y.numpy()), "sigmoid_builder": sigmoid_builder()}
