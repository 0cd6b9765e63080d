"""Chapter 15's demo: MAML's initialization and a pre-trained one adapt to a new sinusoid from K points."""

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.widgets import Demo, Slider, changing


def forward(params, x):
    """A ReLU MLP given as [W1, b1, W2, b2, ...] with W of shape (in, out): x (N, 1) -> (N, 1)."""
    n = len(params) // 2
    for k in range(n):
        x = x @ params[2 * k] + params[2 * k + 1]
        if k < n - 1:
            x = torch.relu(x)
    return x


def adapt(params, x, y, steps: int, alpha: float):
    """``steps`` of plain gradient descent on the mean squared error of (x, y), from ``params``."""
    params = [p.detach().clone().requires_grad_() for p in params]
    for _ in range(steps):
        loss = ((forward(params, x) - y) ** 2).mean()
        grads = torch.autograd.grad(loss, params)
        params = [
            (p - alpha * g).detach().requires_grad_() for p, g in zip(params, grads)
        ]
    return params


def adaptation(
    inits: dict,
    amplitude: float,
    phase: float,
    alpha: float,
    seed: int = 0,
    k_max: int = 10,
) -> Demo:
    """Pick K and the number of inner steps; see each initialization adapt to one new sinusoid.

    ``inits``: name -> list of parameter tensors of a 1-40-40-1 MLP (W as (in, out)); the task is
    ``amplitude * sin(x - phase)`` on [-5, 5], and its K support points are the first K of a fixed draw.
    """
    if not inits:
        raise ValueError("need at least one initialization")
    g = torch.Generator().manual_seed(seed)
    x_all = torch.rand(k_max, 1, generator=g) * 10 - 5
    y_all = amplitude * torch.sin(x_all - phase)
    grid = torch.linspace(-5, 5, 200)[:, None]
    truth = (amplitude * torch.sin(grid - phase))[:, 0].numpy()

    fig = Figure(figsize=(8.6, 3.4))
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(1, len(inits), sharey=True))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.84, wspace=0.06)
    lines = {}
    for ax, name in zip(axes, inits):
        ax.plot(grid[:, 0], truth, color="lightgray", lw=3, label="the new task")
        (before,) = ax.plot(
            grid[:, 0], np.zeros(len(grid)), color="C7", ls=":", label="before adapting"
        )
        (after,) = ax.plot(
            grid[:, 0], np.zeros(len(grid)), color="C3", label="after adapting"
        )
        dots = ax.scatter(
            x_all[:, 0], y_all[:, 0], color="k", zorder=3, s=18, label="support points"
        )
        lines[name] = (before, after, dots, ax.set_title(name, fontsize=10))
        ax.set(xlim=(-5, 5), ylim=(-6, 6), xlabel="$x$")
    axes[0].legend(fontsize=7, loc="lower left")
    sup = fig.suptitle("")
    changing(fig, *[a for parts in lines.values() for a in parts], sup)
    with torch.no_grad():
        start = {name: forward(p, grid)[:, 0].numpy() for name, p in inits.items()}

    def render(K: int, steps: int):
        K, steps = int(K), int(steps)
        x, y = x_all[:K], y_all[:K]
        for name, params in inits.items():
            before, after, dots, title = lines[name]
            fast = adapt(params, x, y, steps, alpha)
            with torch.no_grad():
                pred = forward(fast, grid)[:, 0].numpy()
            before.set_ydata(start[name])
            after.set_ydata(pred)
            dots.set_offsets(np.c_[x[:, 0].numpy(), y[:, 0].numpy()])
            mse = float(np.mean((pred - truth) ** 2))
            title.set_text(
                f"{name}: MSE {mse:.2f} after {steps} step{'s' if steps != 1 else ''}"
            )
        sup.set_text(
            f"K = {K} support points, {steps} gradient steps of size {alpha:g}"
        )
        return fig

    return Demo(
        render,
        K=Slider(1, k_max, 5, integer=True),
        steps=Slider(0, 10, 1, integer=True),
    )


def examples() -> dict:
    """The demo with two random initializations, for the tests."""
    g = torch.Generator().manual_seed(0)
    make = lambda: [
        torch.randn(1, 40, generator=g) * 0.5,
        torch.zeros(40),
        torch.randn(40, 40, generator=g) * 0.1,
        torch.zeros(40),
        torch.randn(40, 1, generator=g) * 0.1,
        torch.zeros(1),
    ]
    return {
        "adaptation": adaptation({"init A": make(), "init B": make()}, 2.0, 0.5, 0.01)
    }
