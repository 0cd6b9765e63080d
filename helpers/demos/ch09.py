"""Chapter 09's demo: explain a digit with saliency, SmoothGrad or integrated gradients.

The network is tiny, so a redraw recomputes the attribution (at most 128 forward and
backward passes of one 8x8 image) and only updates the two images and the captions of a
figure kept open.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from helpers.widgets import Choice, Demo, Slider

METHODS = ("saliency", "SmoothGrad", "integrated gradients")


def _grad(f, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x)
    return g


def attribute(net, x, c, method: str, sigma: float, steps: int, seed: int = 0):
    """Image ``x`` (1, 1, H, W), class ``c`` -> (attribution (H, W), IG's gap or None).

    The score is the class probability. SmoothGrad averages ``steps`` noisy |gradients|
    of std ``sigma``; integrated gradients take ``steps`` midpoints on the path from a
    blank image, and their completeness gap sum(IG) - (f(x) - f(0)) comes back too.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    steps = int(steps)
    if steps < 1 or sigma < 0:
        raise ValueError(f"need steps >= 1 and sigma >= 0, got {steps} and {sigma}")
    score = lambda z: F.softmax(net(z), -1)[:, c]  # (B,)
    if method == "saliency":
        return _grad(score, x)[0, 0].abs(), None
    if method == "SmoothGrad":
        g = torch.Generator().manual_seed(seed)
        noisy = x + sigma * torch.randn((steps, *x.shape[1:]), generator=g)
        return _grad(score, noisy).abs().mean(0)[0], None
    alphas = (torch.arange(steps) + 0.5) / steps  # midpoints of the path from 0 to x
    grads = _grad(score, alphas[:, None, None, None] * x)  # (steps, 1, H, W)
    ig = (x * grads.mean(0))[0, 0]
    with torch.no_grad():
        gap = (score(x) - score(torch.zeros_like(x))).item()
    return ig, ig.sum().item() - gap


def explain(net, images, labels) -> Demo:
    """Pick a digit and a method; slide SmoothGrad's noise or the number of steps.

    ``net``: a trained classifier of (B, 1, 8, 8) images; ``images``: (K, 1, 8, 8),
    one per class; ``labels``: (K,) their classes.
    """
    images = torch.as_tensor(images, dtype=torch.float32)
    if images.ndim != 4 or images.shape[1] != 1 or len(images) != len(labels):
        raise ValueError(
            "images must be (K, 1, H, W) with one label each, "
            f"got {tuple(images.shape)}"
        )
    net = net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        probs = F.softmax(net(images), -1)  # (K, classes)
    state = {}

    def render(
        digit: int = 3,
        method: str = "SmoothGrad",
        sigma: float = 0.3,
        steps: int = 32,
    ):
        """A digit beside its attribution map for the class the network predicts."""
        k = int(np.clip(int(round(float(digit))), 0, len(images) - 1))
        x = images[k : k + 1]
        c = int(probs[k].argmax())
        att, gap = attribute(net, x, c, method, sigma, steps)
        att = att.numpy()
        if "fig" not in state or not plt.fignum_exists(state["fig"].number):
            fig, (ax0, ax1) = plt.subplots(
                1, 2, figsize=(5.6, 3.1)
            )  # no colour bar: cheap
            state["im0"] = ax0.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
            state["im1"] = ax1.imshow(np.zeros((8, 8)), cmap="RdBu_r", vmin=-1, vmax=1)
            for ax in (ax0, ax1):
                ax.set(xticks=[], yticks=[])
                ax.grid(False)
            state.update(fig=fig, ax0=ax0, ax1=ax1)
        fig = state["fig"]
        state["im0"].set_data(x[0, 0].numpy())
        scale = np.abs(att).max()
        state["im1"].set_data(att / scale if scale > 0 else att)
        state["ax0"].set_title(
            f"digit {int(labels[k])}, predicted {c} (p = {probs[k, c]:.2f})", fontsize=9
        )
        if method == "saliency":
            detail = "|gradient| at the input"
        elif method == "SmoothGrad":
            detail = f"mean |gradient| of {int(steps)} copies, noise sd {sigma:.2f}"
        else:
            detail = f"{int(steps)} steps; sum - (f(x) - f(0)) = {gap:+.4f}"
        if scale == 0:
            detail += "\n(all zero: the score is flat here)"
        state["ax1"].set_title(f"{method}\n{detail}", fontsize=9)
        return fig

    return Demo(
        render,
        digit=Slider(0, len(images) - 1, 3, step=1, integer=True),
        method=Choice(METHODS, "SmoothGrad"),
        sigma=Slider(0.0, 1.0, 0.3, step=0.05),
        steps=Slider(1, 128, 32, step=1, integer=True),
    )


def examples() -> dict:
    """The demo on a small CNN trained for 3 epochs on the digits (for the tests)."""
    from torch import nn

    from helpers import data
    from helpers.seeds import fit_seeds

    X_tr, y_tr, X_te, y_te = data.digits()

    def make():
        return nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(8 * 4 * 4, 10),
        )

    (net,), _ = fit_seeds(make, [0], X_tr, y_tr, 3, 64, 5e-3)
    idx = [int(torch.nonzero(y_te == c)[0]) for c in range(10)]
    return {"explain": explain(net, X_te[idx], y_te[idx])}
