"""Chapter 06's demos: scrub GAN training on the ring of Gaussians, and scrub diffusion time.

Both only index precomputed snapshots (training happens once, in the notebook), so a redraw is a
scatter plot.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from helpers.widgets import Demo, Slider


def _ring_axes(ax, modes, lim=2.8):
    ax.scatter(
        modes[:, 0], modes[:, 1], s=250, facecolors="none", edgecolors="gray", lw=1
    )
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xticks=[], yticks=[])


def gan_training(
    snaps, covered, quality, modes, snap_every: int, names=("vanilla GAN", "WGAN-GP")
) -> Demo:
    """Samples of two groups of generators over training, one seed at a time.

    ``snaps``: (n_snaps, S, N, 2) samples at generator steps 0, snap_every, ...; members
    ``0 .. S/2 - 1`` are the first group, ``S/2 .. S - 1`` the second (seed ``s`` is member ``s`` of
    each). ``covered``, ``quality``: (n_snaps, S) scores; ``modes``: (K, 2) centres.
    """
    snaps, covered, quality, modes = (
        np.asarray(a) for a in (snaps, covered, quality, modes)
    )
    if snaps.ndim != 4 or snaps.shape[-1] != 2 or snaps.shape[1] % 2:
        raise ValueError(
            f"snaps must have shape (n_snaps, S, N, 2) with S even, got {snaps.shape}"
        )
    n_snaps, S = snaps.shape[:2]
    h, last = S // 2, (n_snaps - 1) * snap_every

    def render(step: int, seed: int):
        i = min(max(int(round(step / snap_every)), 0), n_snaps - 1)
        seed = min(max(int(seed), 0), h - 1)
        fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6))
        for ax, member, name, colour in [
            (axes[0], seed, names[0], "C3"),
            (axes[1], h + seed, names[1], "C0"),
        ]:
            _ring_axes(ax, modes)
            pts = np.clip(
                snaps[i, member], -2.75, 2.75
            )  # far-out samples drawn at the edge
            ax.scatter(pts[:, 0], pts[:, 1], s=3, color=colour, alpha=0.5)
            ax.set_title(
                f"{name}, seed {seed}: {covered[i, member]} of {len(modes)} modes, "
                f"{quality[i, member]:.0%} high quality",
                fontsize=9,
            )
        fig.suptitle(f"generator step {i * snap_every} of {last}", fontsize=10)
        fig.tight_layout()
        return fig

    return Demo(
        render,
        step=Slider(0, last, last, step=snap_every, integer=True),
        seed=Slider(0, h - 1, 0, integer=True),
    )


def diffusion_time(forward, reverse, lim: float = 3.5) -> Demo:
    """The forward (noising) and reverse (denoising) processes side by side at time ``t``.

    ``forward``, ``reverse``: (T + 1, N, 2) samples of x_t for t = 0 .. T, the first from
    q(x_t | x_0) on data, the second from the trained model's reverse chain.
    """
    forward, reverse = np.asarray(forward), np.asarray(reverse)
    if forward.shape != reverse.shape or forward.ndim != 3 or forward.shape[-1] != 2:
        raise ValueError(
            f"forward and reverse must share a shape (T + 1, N, 2), got {forward.shape}, {reverse.shape}"
        )
    T = forward.shape[0] - 1

    def render(t: int):
        t = min(max(int(round(t)), 0), T)
        fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6))
        for ax, pts, title, colour in [
            (axes[0], forward[t], "forward: data noised to step", "C1"),
            (axes[1], reverse[t], "reverse: noise denoised to step", "C2"),
        ]:
            pts = np.clip(pts, -lim + 0.05, lim - 0.05)
            ax.scatter(pts[:, 0], pts[:, 1], s=3, color=colour, alpha=0.5)
            ax.set(
                xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xticks=[], yticks=[]
            )
            ax.set_title(f"{title} t = {t}", fontsize=9)
        fig.suptitle(
            f"t = 0: data (left) and the model's final samples (right); t = T = {T}: pure noise",
            fontsize=9,
        )
        fig.tight_layout()
        return fig

    # t = 0 is the final sample; the static frames are log-spaced, since the structure appears in the
    # last few steps
    return Demo(render, t=_DiffusionTime(0, T, 0, integer=True))


class _DiffusionTime(Slider):
    """An integer slider over 0 .. T whose static frames are t = 0 and log-spaced steps from 1 to T."""

    def grid(self, n: int) -> list:
        return sorted(
            {0} | {int(round(x)) for x in np.geomspace(max(self.lo, 1), self.hi, n - 1)}
        )


def _toy_ring(rng, n, std=0.05):
    k = rng.integers(0, 8, n)
    angle = 2 * math.pi * k / 8
    return np.stack(
        [2 * np.cos(angle), 2 * np.sin(angle)], -1
    ) + std * rng.standard_normal((n, 2))


def examples() -> dict:
    """Both demos on cheap stand-in snapshots (the notebook feeds them real training runs)."""
    rng = np.random.default_rng(0)
    modes = np.stack(
        [
            [2 * math.cos(2 * math.pi * k / 8), 2 * math.sin(2 * math.pi * k / 8)]
            for k in range(8)
        ]
    )
    n_snaps, S, N = 5, 4, 200
    mix = np.linspace(0, 1, n_snaps)[:, None, None, None]
    snaps = (1 - mix) * rng.standard_normal((n_snaps, S, N, 2)) + mix * _toy_ring(
        rng, n_snaps * S * N
    ).reshape(n_snaps, S, N, 2)
    covered = np.tile(np.arange(n_snaps)[:, None] * 2, (1, S))
    quality = np.tile(np.linspace(0, 1, n_snaps)[:, None], (1, S))
    T = 10
    ab = np.linspace(1, 0.01, T + 1)[:, None, None]
    x0 = _toy_ring(rng, N)
    forward = np.sqrt(ab) * x0 + np.sqrt(1 - ab) * rng.standard_normal((T + 1, N, 2))
    return {
        "gan_training": gan_training(snaps, covered, quality, modes, snap_every=50),
        "diffusion_time": diffusion_time(
            forward,
            np.sqrt(ab) * _toy_ring(rng, N)
            + np.sqrt(1 - ab) * rng.standard_normal((T + 1, N, 2)),
        ),
    }
