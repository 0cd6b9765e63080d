"""Chapter 12's demos: discount and baseline vs the gradient's variance; an episode."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.widgets import Choice, Demo, Slider

BASELINES = ["none", "mean return at each step"]


def _log(v: float) -> float:
    """log10 of a variance, floored at -3 (a baseline can cancel a constant reward)."""
    return float(np.log10(max(v, 1e-3)))


def discounted(r: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = r_t + gamma G_{t+1} along axis 0 of r (T, N), computed backwards."""
    G, run = np.zeros_like(r, dtype=np.float64), np.zeros(r.shape[1:])
    for t in range(len(r) - 1, -1, -1):
        run = r[t] + gamma * run
        G[t] = run
    return G


def gradient_variance(mask, psi, gamma: float, baseline: str):
    """Per-episode estimates g = sum_t psi_t (G_t - b_t) and their total variance.

    ``mask`` (T, N): 1 while episode n runs (its reward, +1 a step); ``psi`` (T, N, P):
    the score grad log pi(a_t | s_t) of each step. Returns G (T, N), b (T,), g (N, P)
    and the trace of g's covariance.
    """
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {BASELINES}, got {baseline!r}")
    G = discounted(mask, gamma) * mask
    if baseline == "none":
        b = np.zeros(len(G))
    else:  # average over the episodes still running at step t
        b = G.sum(1) / np.maximum(mask.sum(1), 1)
    g = np.einsum("tnp,tn->np", psi, (G - b[:, None]) * mask)
    return G, b, g, float(g.var(0, ddof=1).sum())


def discount_and_baseline(mask: np.ndarray, psi: np.ndarray) -> Demo:
    """Choose the discount and the baseline; see the weights and the gradient variance.

    ``mask`` (T, N) and ``psi`` (T, N, P) come from N episodes of one policy (see
    :func:`gradient_variance`); at least two episodes are needed for a variance.
    """
    mask, psi = np.asarray(mask, dtype=np.float64), np.asarray(psi, dtype=np.float64)
    if mask.ndim != 2 or psi.shape[:2] != mask.shape or mask.shape[1] < 2:
        raise ValueError(
            "need mask (T, N) with N >= 2 and psi (T, N, P), "
            f"got {mask.shape}, {psi.shape}"
        )
    T, N = mask.shape
    lengths = (mask > 0).sum(0)
    fig = Figure(figsize=(9.0, 3.3))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.5, 1))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.85, wspace=0.28)
    lines = [ax1.plot([], [], color="C0", lw=0.8, alpha=0.5)[0] for _ in range(N)]
    (base,) = ax1.plot([], [], color="k", lw=2, label="baseline $b_t$")
    ax1.set(xlabel="step $t$", ylabel="$G_t - b_t$", xlim=(0, T))
    ax1.axhline(0, color="gray", lw=0.5)
    ax1.legend(fontsize=7, loc="upper right")
    gammas = np.linspace(0.0, 0.999, 12)
    curves = {
        name: [_log(gradient_variance(mask, psi, g, name)[3]) for g in gammas]
        for name in BASELINES
    }
    for name, style in zip(BASELINES, ["C3-", "C2-"]):
        ax2.plot(gammas, curves[name], style, lw=1, label=f"baseline: {name}")
    (dot,) = ax2.plot([], [], "ko")
    ax2.set(xlabel="discount $\\gamma$", ylabel="log10 total variance (floor -3)")
    ax2.legend(fontsize=7, loc="upper left")
    title = fig.suptitle("")

    def render(gamma: float, baseline: str):
        """Each episode's weights G_t - b_t, and the gradient's variance against gamma.

        Left: the weights over time; right: the total variance of the per-episode
        gradient estimates against the discount, with and without a baseline (log10)."""
        G, b, _, var = gradient_variance(mask, psi, gamma, baseline)
        A = (G - b[:, None]) * mask
        for n, line in enumerate(lines):  # each episode up to its last step
            line.set_data(np.arange(lengths[n]), A[: lengths[n], n])
        base.set_data(np.arange(T), b if baseline != "none" else np.zeros(T))
        lo, hi = A.min(), A.max()
        ax1.set_ylim(lo - 0.05 * (hi - lo + 1), hi + 0.05 * (hi - lo + 1))
        dot.set_data([gamma], [_log(var)])
        title.set_text(
            f"gamma = {gamma:.3f}, baseline: {baseline}: "
            f"variance of the gradient estimate {var:.3g} over {N} episodes"
        )
        return fig

    return Demo(
        render,
        gamma=Slider(0.0, 0.999, 0.99, step=0.001),
        baseline=Choice(BASELINES, "none"),
    )


def cartpole_episode(states: np.ndarray, actions: np.ndarray) -> Demo:
    """One CartPole episode, step by step: cart, pole, the push and the pole's angle.

    ``states`` (T, 4): x, x_dot, theta, theta_dot; ``actions`` (T,): 0 left, 1 right.
    """
    states, actions = np.asarray(states, dtype=np.float64), np.asarray(actions)
    if states.ndim != 2 or states.shape[1] != 4 or len(actions) != len(states):
        raise ValueError(
            f"need states (T, 4) and actions (T,), got {states.shape}, {actions.shape}"
        )
    T = len(states)
    fig = Figure(figsize=(8.6, 3.0))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.6, 1))
    fig.subplots_adjust(left=0.04, right=0.98, bottom=0.17, top=0.86, wspace=0.2)
    ax1.set(xlim=(-2.6, 2.6), ylim=(-0.3, 1.4), aspect="equal", yticks=[])
    ax1.axhline(0, color="k", lw=1)
    for x in (-2.4, 2.4):
        ax1.axvline(x, color="C3", ls=":", lw=1)
    cart = ax1.add_patch(Rectangle((0, 0), 0.5, 0.25, color="C0"))
    (pole,) = ax1.plot([], [], color="C1", lw=5, solid_capstyle="round")
    push = ax1.annotate(
        "", xy=(0, 0.12), xytext=(0, 0.12), arrowprops={"arrowstyle": "->", "lw": 2}
    )
    ax2.plot(np.arange(T), np.degrees(states[:, 2]), color="C1", lw=1)
    ax2.axhline(12, color="C3", ls=":", lw=1)
    ax2.axhline(-12, color="C3", ls=":", lw=1)
    ax2.set(xlabel="step $t$", ylabel="pole angle (degrees)", ylim=(-14, 14))
    (now,) = ax2.plot([], [], "ko", ms=4)
    title = fig.suptitle("")

    def render(t: int):
        """A CartPole episode at one step: cart, pole, the push, and the pole's angle.

        Left: the cart, the pole and the push the actor chose; right: the pole's angle
        over the whole episode, with the current step marked."""
        t = int(min(max(t, 0), T - 1))
        x, _, theta, _ = states[t]
        cart.set_xy((x - 0.25, 0.0))
        top = (x + np.sin(theta), 0.25 + np.cos(theta))
        pole.set_data([x, top[0]], [0.25, top[1]])
        d = 0.4 if actions[t] == 1 else -0.4
        push.xy = (x + 0.25 * np.sign(d) + d, 0.12)
        push.set_position((x + 0.25 * np.sign(d), 0.12))
        now.set_data([t], [np.degrees(theta)])
        side = "right" if actions[t] == 1 else "left"
        title.set_text(
            f"step {t} of {T}: x = {x:+.2f}, angle = "
            f"{np.degrees(theta):+.1f} degrees, push {side}"
        )
        return fig

    return Demo(render, t=Slider(0, T - 1, 0, integer=True))


def examples() -> dict:
    """Both demos on made-up data, for the tests."""
    rng = np.random.default_rng(0)
    T, N = 40, 6
    lengths = rng.integers(5, T, N)
    mask = (np.arange(T)[:, None] < lengths[None]).astype(float)
    psi = rng.normal(size=(T, N, 3)) * mask[..., None]
    t = np.arange(30)
    states = np.stack([0.02 * t, 0.1 + 0 * t, 0.005 * t, 0.2 + 0 * t], 1)
    return {
        "discount_and_baseline": discount_and_baseline(mask, psi),
        "cartpole_episode": cartpole_episode(states, t % 2),
    }
