"""Chapter 10's demo: grow an L-infinity perturbation of a digit, watch the prediction.

The attack's direction (the sign of the gradient at the clean digit, or random signs
as the control) is computed once; a redraw only adds ``eps`` times it, clips to [0, 1]
and runs a tiny MLP in NumPy on weights copied once from the trained model.
"""

import numpy as np
from matplotlib.figure import Figure

from helpers.widgets import Choice, Demo, Slider, changing


def _probs(Ws, bs, x):
    """ReLU MLP with a softmax output, in NumPy: ``x`` (D,) -> (K,) probabilities."""
    h = x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        h = h @ W + b
        if i < len(Ws) - 1:
            h = np.maximum(h, 0.0)
    h = h - h.max()
    e = np.exp(h)
    return e / e.sum()


def eps_attack(x0, directions: dict, Ws, bs, label: int, eps_max: float = 0.3) -> Demo:
    """A digit under a growing perturbation: image, perturbation, class probabilities.

    ``x0``: (64,) clean pixels in [0, 1]; ``directions``: name -> (64,) array of signs
    (+1, -1, 0), such as the FGSM direction and a random-sign control; ``Ws``, ``bs``:
    the classifier's layers as arrays ``(d_in, d_out)`` and ``(d_out,)`` (ReLU between
    them, softmax at the end, 64 inputs); ``label``: the digit's true class.
    """
    x0 = np.asarray(x0, dtype=float).reshape(-1)
    Ws = [np.asarray(W, dtype=float) for W in Ws]
    bs = [np.asarray(b, dtype=float).reshape(-1) for b in bs]
    if x0.shape != (64,) or x0.min() < 0 or x0.max() > 1:
        raise ValueError("x0 must hold 64 pixels (an 8x8 image) in [0, 1]")
    if not Ws or Ws[0].shape[0] != 64 or len(Ws) != len(bs):
        raise ValueError("the classifier must take 64 pixels, with one bias per layer")
    if not directions:
        raise ValueError("directions must name at least one direction of signs")
    dirs = {
        k: np.sign(np.asarray(v, dtype=float)).reshape(-1)
        for k, v in directions.items()
    }
    if any(d.shape != (64,) for d in dirs.values()):
        raise ValueError("every direction must have 64 entries, one per pixel")
    K = Ws[-1].shape[1]
    if not 0 <= int(label) < K:
        raise ValueError(f"label must be a class in 0..{K - 1}, got {label}")
    p_clean = _probs(Ws, bs, x0)
    lim = max(eps_max, 1e-3)
    # the figure is built once; a redraw only updates its images, bars and titles
    fig = Figure(figsize=(10, 2.8))  # not pyplot's: nothing is shown until render is
    axes = fig.subplots(1, 4)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.16, top=0.82, wspace=0.3)
    axes[0].imshow(x0.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title(f"clean: {int(p_clean.argmax())} ({p_clean.max():.0%})", y=1.0)
    im_delta = axes[1].imshow(np.zeros((8, 8)), cmap="RdBu_r", vmin=-lim, vmax=lim)
    im_x = axes[2].imshow(x0.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    t_delta, t_x = axes[1].set_title("", y=1.0), axes[2].set_title("", y=1.0)
    for ax in axes[:3]:
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    bars = axes[3].bar(range(K), p_clean, color="0.6")
    axes[3].set(ylim=(0, 1), xticks=range(K))
    axes[3].set_title("probabilities", y=1.0)
    axes[3].set_xlabel("class (blue: true, red: wrong winner)", fontsize=8)
    changing(fig, im_delta, im_x, t_delta, t_x, *bars)

    def render(eps: float, direction: str):
        """A digit, its perturbation of size eps and the classifier's probabilities."""
        delta = np.clip(x0 + eps * dirs[direction], 0, 1) - x0  # what is actually added
        x = x0 + delta
        p = _probs(Ws, bs, x)
        pred = int(p.argmax())
        im_delta.set_data(delta.reshape(8, 8))
        im_x.set_data(x.reshape(8, 8))
        t_delta.set_text(f"{direction}, eps = {eps:.2f}")
        t_x.set_text(f"attacked: {pred} ({p[pred]:.0%})")
        t_x.set_color("C3" if pred != label else "k")
        for k, (bar, h) in enumerate(zip(bars, p)):
            bar.set_height(float(h))
            bar.set_color("C0" if k == label else "C3" if k == pred else "0.6")
        return fig

    return Demo(
        render,
        eps=Slider(0.0, eps_max, 0.1, step=0.01),
        direction=Choice(list(dirs), list(dirs)[0]),
    )


def examples() -> dict:
    """The demo on a linear classifier fitted in closed form to the digits (tests)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    X, y = d.data / 16.0, d.target
    Y = np.eye(10)[y]
    W = np.linalg.solve(X.T @ X + 1e-1 * np.eye(64), X.T @ (Y - 0.1))  # ridge: (64, 10)
    b = np.zeros(10)
    x0, label = X[0], int(y[0])
    p = _probs([W], [b], x0)
    grad = W @ (p - Y[0])  # d CE / dx of a linear softmax model
    rng = np.random.default_rng(0)
    dirs = {"FGSM": np.sign(grad), "random signs": rng.choice([-1.0, 1.0], 64)}
    return {"eps_attack": eps_attack(x0, dirs, [W], [b], label)}
