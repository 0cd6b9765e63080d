"""Chapter 02's demos: an optimizer race in an ill-conditioned valley, the Hessian at a critical point,
and regularization against overfitting (a weight penalty, or stopping early).

The update rules are the ones chapter 02 derives and checks against ``torch.optim`` (sections on
momentum and adaptive learning rates), written again here in NumPy on a 2-D parameter vector so a
redraw runs hundreds of updates in a few milliseconds. ``tests/test_ch02.py`` checks each against
``torch.optim`` with the same hyperparameters (PyTorch's defaults).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator

from helpers.plots import notice
from helpers.widgets import Choice, Demo, Slider, changing, forget_background


def sgd(theta, g, state, lr):
    """Plain gradient descent: theta - lr g."""
    return theta - lr * g


def momentum(theta, g, state, lr, mu=0.9):
    """Heavy ball in PyTorch's form: b = mu b + g, theta - lr b."""
    state["b"] = mu * state.get("b", 0.0) + g
    return theta - lr * state["b"]


def adagrad(theta, g, state, lr, eps=1e-10):
    """Adagrad: s = s + g^2 (a sum over time steps), theta - lr g / (sqrt(s) + eps)."""
    state["s"] = state.get("s", 0.0) + g * g
    return theta - lr * g / (np.sqrt(state["s"]) + eps)


def rmsprop(theta, g, state, lr, alpha=0.99, eps=1e-8):
    """RMSProp: v = alpha v + (1 - alpha) g^2, theta - lr g / (sqrt(v) + eps)."""
    state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
    return theta - lr * g / (np.sqrt(state["v"]) + eps)


def adam(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam: momentum on g and RMSProp on g^2, both bias-corrected."""
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
    m_hat, v_hat = state["m"] / (1 - beta1**t), state["v"] / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


#: The racers, by the names the chapter uses.
OPTIMIZERS = {
    "SGD": sgd,
    "momentum": momentum,
    "Adagrad": adagrad,
    "RMSProp": rmsprop,
    "Adam": adam,
}


def run(
    update, grad, theta0, lr: float, steps: int, blow_up: float = 1e6
) -> np.ndarray:
    """Apply ``update`` ``steps`` times from ``theta0``; the path, shape ``(steps + 1, D)``.

    A path whose norm passes ``blow_up`` stops there (the caller sees a shorter path).
    """
    theta, state, path = np.asarray(theta0, float), {}, [np.asarray(theta0, float)]
    for _ in range(steps):
        theta = update(theta, grad(theta), state, lr)
        if not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > blow_up:
            break
        path.append(theta)
    return np.array(path)


def optimizer_race(curvatures=(1.0, 100.0), theta0=(-9.0, 0.9)) -> Demo:
    """Five optimizers at one learning rate on ``L = 1/2 sum_i a_i theta_i^2`` (an elongated valley)."""
    a = np.asarray(curvatures, float)
    if a.shape != (2,) or np.any(a <= 0):
        raise ValueError(f"curvatures must be two positive numbers, got {curvatures}")

    def loss(th):
        return 0.5 * (a * th**2).sum(-1)

    def grad(th):
        return a * th

    x0 = np.asarray(theta0, float)
    X, Y = np.meshgrid(
        np.linspace(-1.3 * abs(x0[0]), 1.3 * abs(x0[0]), 100),
        np.linspace(-1.6 * abs(x0[1]) - 0.1, 1.6 * abs(x0[1]) + 0.1, 80),
    )
    L = loss(np.stack([X, Y], -1))
    levels = np.geomspace(1e-3, L.max(), 15)

    lo, hi = [X.min(), Y.min()], [X.max(), Y.max()]
    max_steps = 300  # the slider's top: a shorter run is a prefix of this one
    runs = {}  # lr -> {name: path of up to max_steps updates}; a few recent learning rates

    def paths(lr):
        if lr not in runs:
            if len(runs) > 32:
                runs.pop(next(iter(runs)))
            runs[lr] = {
                name: run(update, grad, x0, lr, max_steps)
                for name, update in OPTIMIZERS.items()
            }
        return runs[lr]

    # one figure, made once; a redraw only updates the paths, curves and titles
    fig = Figure(figsize=(10, 3.8))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.5, 1))
    ax1.contour(X, Y, L, levels=levels, cmap="Greys", linewidths=0.6)
    tracks, curves = [], []
    for k, name in enumerate(OPTIMIZERS):
        tracks.append(
            ax1.plot([x0[0]], [x0[1]], ".-", ms=2, lw=0.9, color=f"C{k}", label=name)[0]
        )
        curves.append(
            ax2.semilogy([0], [max(float(loss(x0)), 1e-12)], color=f"C{k}", label=name)[
                0
            ]
        )
    ax1.plot([0], [0], "k*", ms=10)
    ax1.set(
        xlim=(X.min(), X.max()),
        ylim=(Y.min(), Y.max()),
        xlabel=r"$\theta_1$ (flat)",
        ylabel=r"$\theta_2$ (steep)",
    )
    title1 = ax1.set_title("")
    legend = ax1.legend(loc="lower right", fontsize=8)
    ax2.set(xlabel="update $t$", ylabel=r"$L(\boldsymbol{\theta}^t)$", ylim=(1e-8, 1e4))
    ax2.set_yticks(
        [1e-8, 1e-4, 1.0, 1e4]
    )  # few log labels: each costs a mathtext layout
    ax2.set_yticks([], minor=True)
    ax1.yaxis.set_major_locator(
        MaxNLocator(5)
    )  # few tick labels: drawing text is most of a redraw
    ax2.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    title2 = ax2.set_title("")
    notice(ax1, "every optimizer diverged:\nthe learning rate is too large")
    warning = ax1.texts[-1]
    fig.subplots_adjust(
        left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.22
    )  # fixed: tight_layout doubles the cost
    ax2.set_xlim(0, max_steps)  # fixed axes: a live redraw repaints only what changes
    changing(fig, *tracks, *curves, legend, title1, title2, warning)

    def render(lr: float, steps: int):
        """Five optimizers racing down an elongated valley at one learning rate: their paths and losses."""
        steps = int(np.clip(steps, 0, max_steps))
        blown = 0
        for name, track, curve, text in zip(
            OPTIMIZERS, tracks, curves, legend.get_texts()
        ):
            path = paths(float(lr))[name][: steps + 1]
            diverged = len(path) < steps + 1
            blown += diverged
            text.set_text(f"{name} (diverged)" if diverged else name)
            track.set_data(*np.clip(path, lo, hi).T)
            curve.set_data(np.arange(len(path)), np.maximum(loss(path), 1e-12))
        title1.set_text(f"one learning rate for all: \u03b7 = {lr:.3g}")
        title2.set_text(f"{steps} updates")
        warning.set_visible(blown == len(OPTIMIZERS))
        return fig

    return Demo(
        render,
        lr=Slider(1e-3, 3.0, 0.1, log=True),
        steps=Slider(1, 300, 300, integer=True),
    )


def classify(eigenvalues, tol: float = 1e-9) -> str:
    """Name a critical point from its Hessian's eigenvalues (``|lambda| <= tol`` counts as zero).

    Any negative eigenvalue rules out a minimum and any positive one a maximum, zero or not; only
    when the nonzero eigenvalues share one sign does a zero eigenvalue leave the test open.
    """
    lam = np.asarray(eigenvalues, float)
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError(
            f"eigenvalues must be a non-empty list of finite numbers, got {eigenvalues}"
        )
    neg, pos = bool(np.any(lam < -tol)), bool(np.any(lam > tol))
    zero = bool(np.any(np.abs(lam) <= tol))
    if neg and pos:
        return "saddle point"
    if not zero:
        return "local minimum" if pos else "local maximum"
    if pos:
        return "not a maximum: a minimum or a saddle (a zero eigenvalue)"
    if neg:
        return "not a minimum: a maximum or a saddle (a zero eigenvalue)"
    return "inconclusive (every eigenvalue is zero)"


def critical_point(angle_deg: float = 30.0) -> Demo:
    """The quadratic ``L(theta) = 1/2 theta^T H theta`` near a critical point at 0, H with eigenvalues 1 and lam2.

    The eigenvectors are rotated by ``angle_deg``. The red arrow steps from the critical point
    along the eigenvector of the smallest eigenvalue by ``step``; the title says what that does to L.
    """
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    U = np.array([[c, -s], [s, c]])  # columns: eigenvectors u_1, u_2
    X, Y = np.meshgrid(np.linspace(-2, 2, 241), np.linspace(-2, 2, 241))
    P = np.stack(
        [X, Y], -1
    )  # (241, 241, 2): fine enough that the image's bands look like contours
    t = np.linspace(-2, 2, 201)
    # 20 equal bands from -m to m, as contourf with levels linspace(-m, m, 21) draws them
    bands = ListedColormap(plt.get_cmap("RdBu_r")((np.arange(20) + 0.5) / 20))

    # one figure, made once; a redraw only updates the image, the step and the texts
    fig = Figure(figsize=(9.5, 3.8))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=(1.1, 1))
    image = ax1.imshow(
        np.zeros(X.shape),
        origin="lower",
        extent=(-2, 2, -2, 2),
        cmap=bands,
        vmin=-1,
        vmax=1,
        interpolation="nearest",
    )  # white = no change
    bar = fig.colorbar(
        image, ax=ax1, shrink=0.8, format="%.1f", label=r"$L - L(\boldsymbol{\theta}')$"
    )
    bar.locator = MaxNLocator(5)  # few tick labels: drawing text is most of a redraw
    labels = []
    for k in range(2):
        ax1.annotate(
            "",
            xy=1.6 * U[:, k],
            xytext=(0, 0),
            arrowprops=dict(arrowstyle="->", lw=1.2),
        )
        labels.append(ax1.text(*(1.75 * U[:, k]), "", ha="center", fontsize=9))
    step_line = ax1.plot([0, 0], [0, 0], color="crimson", lw=2.5)[0]
    ax1.plot([0], [0], "ko", ms=5)
    ax1.set(
        aspect="equal",
        xticks=[-2, -1, 0, 1, 2],
        yticks=[-2, -1, 0, 1, 2],
        xlabel=r"$\theta_1 - \theta_1'$",
        ylabel=r"$\theta_2 - \theta_2'$",
    )
    title1 = ax1.set_title("")
    slices = [
        ax2.plot(
            t,
            0.5 * t**2,
            label=f"along $\\mathbf{{u}}_{k + 1}$: $\\lambda_{k + 1} t^2 / 2$",
        )[0]
        for k in range(2)
    ]
    dot = ax2.plot([0], [0], "o", color="crimson", label="the step")[0]
    ax2.axhline(0, color="k", lw=0.6)
    ax2.set(
        xlabel="distance $t$ along the eigenvector",
        ylabel=r"$\Delta L$",
        xlim=(-2.2, 2.2),
        ylim=(-2.2, 2.2),
        xticks=[-2, -1, 0, 1, 2],
        yticks=[-2, -1, 0, 1, 2],
        title="1-D slice along $\\mathbf{u}_1$: always a minimum",
    )
    legend = ax2.legend(fontsize=8, loc="lower left")
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.3)

    def render(lam2: float, step: float):
        """A quadratic loss near a critical point, coloured by its change, and 1-D slices along the eigenvectors."""
        lam = np.array([1.0, lam2])
        H = U @ np.diag(lam) @ U.T
        L = 0.5 * np.einsum("...i,ij,...j->...", P, H, P)
        kind = classify(lam, tol=1e-3)
        u = U[:, np.argmin(lam)]
        v = step * u
        dL = 0.5 * v @ H @ v  # = lam_min step^2 / 2
        m = max(float(np.abs(L).max()), 1e-12)
        image.set_data(L)
        image.set_clim(-m, m)
        for k in range(2):
            labels[k].set_text(f"\u03bb{k + 1} = {lam[k]:.2g}")
            slices[k].set_ydata(0.5 * lam[k] * t**2)
        step_line.set_data([0, v[0]], [0, v[1]])
        title1.set_text(f"in 2-D: {kind.split(':')[0]}")
        dot.set_data([step], [dL])
        legend.get_texts()[2].set_text(f"the step: \u0394L = {dL:.2g}")
        return fig

    return Demo(
        render,
        lam2=Slider(-1.0, 1.0, -0.5, step=0.05),
        step=Slider(0.0, 1.5, 1.0, step=0.05),
    )


def guide_figure():
    """The lecture's diagnosis of a failed run as a flow chart (a static figure, no controls)."""
    boxes = {  # name: (x, y, text, colour)
        "start": (0.5, 0.93, "loss on the training data", "0.85"),
        "large": (0.22, 0.72, "large", "0.95"),
        "small": (0.72, 0.72, "small: loss on the test data", "0.95"),
        "bias": (0.08, 0.4, "model bias\n(make the model\nmore flexible)", "#fde0c5"),
        "opt": (
            0.33,
            0.4,
            "optimization\n(a deeper model\ntrains worse than\na shallower one)",
            "#fde0c5",
        ),
        "test_large": (0.6, 0.46, "large", "0.95"),
        "done": (0.9, 0.46, "small:\ndone", "#d5ecd4"),
        "over": (
            0.47,
            0.1,
            "overfitting\n(more data, augmentation,\nconstraints, early stopping,\nregularization, dropout)",
            "#fde0c5",
        ),
        "mis": (
            0.8,
            0.1,
            "mismatch: training and\ntest data differ\n(chapter 11)",
            "#fde0c5",
        ),
    }
    edges = [
        ("start", "large"),
        ("start", "small"),
        ("large", "bias"),
        ("large", "opt"),
        ("small", "test_large"),
        ("small", "done"),
        ("test_large", "over"),
        ("test_large", "mis"),
    ]
    fig, ax = plt.subplots(figsize=(10, 4.4))
    ax.set_axis_off()

    def half_height(name):  # in axes units: about 0.035 per line of text plus padding
        return 0.035 * (boxes[name][2].count("\n") + 1) + 0.02

    for a, b in edges:
        (xa, ya), (xb, yb) = boxes[a][:2], boxes[b][:2]
        ax.annotate(
            "",
            xy=(xb, yb + half_height(b)),
            xytext=(xa, ya - half_height(a)),
            arrowprops=dict(arrowstyle="->", color="0.3", lw=1.2),
        )
    for x, y, text, colour in boxes.values():
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=9,
            bbox=dict(boxstyle="round,pad=0.4", facecolor=colour, edgecolor="0.4"),
        )
    ax.set(xlim=(0, 1), ylim=(-0.08, 1.0))
    return fig


def regularization(n_fit: int = 15, noise: float = 0.2, seed: int = 0) -> Demo:
    """A degree-12 polynomial fitted to ``n_fit`` noisy points of sin(3x), against overfitting.

    ``log10_lam`` sets a weight-decay penalty ``lam ||c||^2`` on the Legendre coefficients (the
    ridge solution, exact); ``steps`` instead stops gradient descent on the unpenalized loss early
    (``steps`` = 0 with no penalty: the least-squares fit). The right panel shows the training and
    test loss over the slider's whole range, precomputed once.
    """
    if n_fit < 2 or noise < 0:
        raise ValueError(f"need n_fit >= 2 and noise >= 0, got {n_fit}, {noise}")
    rng = np.random.default_rng(seed)
    x, x_new = rng.uniform(-1, 1, n_fit), rng.uniform(-1, 1, 500)
    y, y_new = (
        np.sin(3 * x) + rng.normal(0, noise, n_fit),
        np.sin(3 * x_new) + rng.normal(0, noise, 500),
    )
    V, V_new = (
        np.polynomial.legendre.legvander(x, 12),
        np.polynomial.legendre.legvander(x_new, 12),
    )
    x_plot = np.linspace(-1, 1, 200)
    V_plot = np.polynomial.legendre.legvander(x_plot, 12)

    def ridge(lam):  # argmin_c ||V c - y||^2 / n + lam ||c||^2
        return np.linalg.solve(V.T @ V / n_fit + lam * np.eye(13), V.T @ y / n_fit)

    eta = (
        1.0 / np.linalg.eigvalsh(V.T @ V / n_fit).max()
    )  # a stable step for gradient descent on the MSE

    path = [
        np.zeros(13)
    ]  # gradient descent on the unpenalized MSE from c = 0: every iterate, once
    for _ in range(3000):
        path.append(path[-1] - eta * V.T @ (V @ path[-1] - y) / n_fit)
    path = np.array(path)  # (3001, 13)

    mse = lambda c, A, t: float(np.mean((A @ c - t) ** 2))  # noqa: E731
    lams = np.geomspace(1e-8, 10, 60)
    lam_curves = np.array(
        [[mse(ridge(l), V, y), mse(ridge(l), V_new, y_new)] for l in lams]
    )
    step_grid = np.unique(np.geomspace(1, 3000, 40).astype(int))
    step_curves = np.array(
        [[mse(path[s], V, y), mse(path[s], V_new, y_new)] for s in step_grid]
    )

    # one figure, made once; the right panel is two axes in one place, one per method, shown in turn
    fig = Figure(figsize=(9.5, 3.6))
    FigureCanvasAgg(fig)
    gs = fig.add_gridspec(1, 2)
    ax1, by_lam, by_steps = (
        fig.add_subplot(gs[0]),
        fig.add_subplot(gs[1]),
        fig.add_subplot(gs[1]),
    )
    ax1.plot(x_plot, np.sin(3 * x_plot), "k--", lw=1, label="the target sin(3x)")
    fit = ax1.plot(x_plot, np.zeros_like(x_plot), "C0", label="degree-12 fit")[0]
    ax1.plot(x, y, "o", color="C1", ms=4, label=f"{n_fit} training points")
    ax1.set(ylim=(-2.5, 2.5), xlabel="x")
    title1 = ax1.set_title("")
    ax1.legend(fontsize=7, loc="lower right")
    marks = {}
    for ax, method, grid, curves, xlabel in [
        (
            by_lam,
            "weight decay",
            lams,
            lam_curves,
            r"penalty $\lambda$ (more regularization $\rightarrow$)",
        ),
        (
            by_steps,
            "early stopping",
            step_grid,
            step_curves,
            r"updates of gradient descent (less early stopping $\rightarrow$)",
        ),
    ]:
        ax.loglog(grid, curves[:, 0], label="training loss")
        ax.loglog(grid, curves[:, 1], label="test loss")
        marks[method] = ax.axvline(grid[0], color="C3", lw=1)
        ax.set(xlabel=xlabel, title=method, ylabel="MSE")
        ax.legend(fontsize=8, loc="lower left")  # fixed: "best" moves with the mark
        for axis in (
            ax.xaxis,
            ax.yaxis,
        ):  # the limits never change: freeze the log ticks matplotlib picks
            axis.set_major_locator(FixedLocator(axis.get_majorticklocs()))
            axis.set_minor_locator(FixedLocator(axis.get_minorticklocs()))
    ax1.xaxis.set_major_locator(
        MaxNLocator(5)
    )  # few tick labels: drawing text is most of a redraw
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
    changing(fig, fit, title1, *marks.values())
    shown = {"method": None}  # the right panel drawn in the kept background

    def render(log10_lam: float, method: str, steps: int):
        """A degree-12 polynomial fitted to noisy points, with weight decay or early stopping, and its losses."""
        c = (
            ridge(10.0**log10_lam)
            if method == "weight decay"
            else path[int(np.clip(steps, 0, 3000))]
        )
        fit.set_ydata(np.clip(V_plot @ c, -3, 3))
        title1.set_text(
            f"training MSE {mse(c, V, y):.3f}, test MSE {mse(c, V_new, y_new):.3g}"
        )
        if method != shown["method"]:  # the other panel: draw the background anew
            shown["method"] = method
            by_lam.set_visible(method == "weight decay")
            by_steps.set_visible(method != "weight decay")
            forget_background(fig)
        x_mark = 10.0**log10_lam if method == "weight decay" else max(steps, 1)
        marks[
            "weight decay" if method == "weight decay" else "early stopping"
        ].set_xdata([x_mark, x_mark])
        return fig

    return Demo(
        render,
        log10_lam=Slider(-8.0, 1.0, -3.0, step=0.25),
        method=Choice(["weight decay", "early stopping"], "weight decay"),
        steps=Slider(0, 3000, 100, integer=True, step=10),
    )


def examples() -> dict:
    """The chapter's demos (what the tests render at their extremes)."""
    return {
        "optimizer_race": optimizer_race(),
        "critical_point": critical_point(),
        "regularization": regularization(),
    }
