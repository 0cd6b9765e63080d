"""Chapter 11's demo: rotate the target domain and compare source-only and DANN decision regions."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.widgets import Choice, Demo, Slider


def boundaries(
    angles, grid_x, grid_y, probs: dict, points: dict, accuracy: dict
) -> Demo:
    """Pick the target domain's rotation; see each model's regions on the target and its accuracy.

    ``angles``: the rotations (degrees) the chapter trained at; ``grid_x``, ``grid_y``: the axes of
    the probability grid; ``probs[model]``: array ``(len(angles), len(grid_y), len(grid_x))`` of
    P(class 1) for each model; ``points[angle]``: ``(X, y)`` target points drawn at that angle;
    ``accuracy[model]``: target accuracy per angle. Angles between trained ones snap to the nearest.
    """
    angles = np.asarray(angles, dtype=float)
    models = list(probs)
    if len(models) == 0 or len(angles) == 0:
        raise ValueError("need at least one model and one angle")
    for m in models:
        if np.shape(probs[m]) != (len(angles), len(grid_y), len(grid_x)):
            raise ValueError(
                f"probs[{m!r}] must have shape {(len(angles), len(grid_y), len(grid_x))}, "
                f"got {np.shape(probs[m])}"
            )
        if len(accuracy[m]) != len(angles):
            raise ValueError(f"accuracy[{m!r}] needs one value per angle")
    extent = (grid_x[0], grid_x[-1], grid_y[0], grid_y[-1])

    # one figure, made once; a redraw only swaps images, points and titles (about 20 ms)
    fig = Figure(figsize=(8.6, 3.6))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(models), sharex=True, sharey=True)
    axes = np.atleast_1d(axes)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.86, wspace=0.08)
    images, dots, titles = [], [], []
    for ax, m in zip(axes, models):
        images.append(
            ax.imshow(
                probs[m][0],
                origin="lower",
                extent=extent,
                cmap="coolwarm",
                vmin=0,
                vmax=1,
                alpha=0.6,
                aspect="auto",
            )
        )
        dots.append(
            ax.scatter(
                np.zeros(1),
                np.zeros(1),
                s=8,
                c=[0],
                cmap="coolwarm",
                vmin=0,
                vmax=1,
                edgecolors="k",
                linewidths=0.3,
            )
        )
        titles.append(ax.set_title(m, fontsize=10))
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
    suptitle = fig.suptitle("")

    def render(angle: float, points_shown: str):
        i = int(np.argmin(np.abs(angles - angle)))
        X, y = (
            points[float(angles[i])]
            if points_shown == "target"
            else points[float(angles[0])]
        )
        for m, im, sc, title in zip(models, images, dots, titles):
            im.set_data(probs[m][i])
            sc.set_offsets(np.asarray(X))
            sc.set_array(np.asarray(y, dtype=float))
            title.set_text(f"{m}: target accuracy {accuracy[m][i]:.0%}")
        snapped = (
            ""
            if abs(angles[i] - angle) < 1e-9
            else f" (nearest trained angle to {angle:g})"
        )
        shown = "target" if points_shown == "target" else "source"
        suptitle.set_text(
            f"target rotated by {angles[i]:g} degrees{snapped}; {shown} points shown"
        )
        return fig

    return Demo(
        render,
        angle=Slider(
            float(angles[0]),
            float(angles[-1]),
            float(angles[min(2, len(angles) - 1)]),
            step=float(angles[1] - angles[0]) if len(angles) > 1 else 1.0,
        ),
        points_shown=Choice(["target", "source"], "target"),
    )


def examples() -> dict:
    """The demo on made-up regions (a rotating half-plane), for the tests."""
    angles = np.arange(0, 91, 15.0)
    gx = gy = np.linspace(-2, 2, 40)
    xx, yy = np.meshgrid(gx, gy)
    probs = {
        m: np.stack(
            [
                1
                / (
                    1
                    + np.exp(
                        -(
                            np.cos(np.deg2rad(a * k)) * yy
                            - np.sin(np.deg2rad(a * k)) * xx
                        )
                        * 4
                    )
                )
                for a in angles
            ]
        )
        for m, k in [("source only", 0.0), ("DANN", 1.0)]
    }
    rng = np.random.default_rng(0)
    points = {
        float(a): (rng.normal(size=(50, 2)), rng.integers(0, 2, 50)) for a in angles
    }
    acc = {
        "source only": np.cos(np.deg2rad(angles)) / 2 + 0.5,
        "DANN": np.full(len(angles), 0.9),
    }
    return {"boundaries": boundaries(angles, gx, gy, probs, points, acc)}
