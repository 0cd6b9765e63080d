"""The widget layer, and every chapter's demos at the extremes of their controls."""

import importlib
import io
import pkgutil
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import helpers.demos  # noqa: E402
from helpers import data  # noqa: E402
from helpers.widgets import Choice, Demo, Slider, drawn_whole, live_png  # noqa: E402


def all_demos():
    """Every demo of every chapter module: each module lists its own in ``examples()``."""
    for info in pkgutil.iter_modules(helpers.demos.__path__):
        module = importlib.import_module(f"helpers.demos.{info.name}")
        for name, demo in module.examples().items():
            yield pytest.param(demo, id=f"{info.name}.{name}")


def figure_is_clean(fig) -> None:
    """Every plotted line and image holds finite numbers, and there is something on the figure."""
    drawn = 0
    for ax in fig.axes:
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            assert np.isfinite(xy).all(), (
                f"non-finite data in line {line.get_label()!r}"
            )
            drawn += len(xy)
        for im in ax.get_images():
            assert np.isfinite(np.asarray(im.get_array(), dtype=float)).all()
            drawn += 1
        drawn += len(ax.collections)
    assert drawn > 0, "empty figure"


@pytest.mark.parametrize("demo", list(all_demos()))
def test_demo_extremes_draw_cleanly_and_fast(demo):
    times = []
    for params in demo.extremes():
        start = time.perf_counter()
        fig = demo.render(**params)
        live_png(fig)  # what a reader waits for: the figure drawn and encoded
        times.append(time.perf_counter() - start)
        figure_is_clean(fig)
        plt.close(fig)
    # The target, under 100 ms, is measured by the benchmark (`make bench`) on an idle machine;
    # this bound only catches a demo that recomputes what it should precompute, and leaves room
    # for a machine busy running the notebooks beside these tests.
    assert np.median(times) < 2.0, f"median redraw {np.median(times):.3f} s"


@pytest.mark.parametrize("demo", list(all_demos()))
def test_live_redraw_shows_the_whole_figure(demo):
    """A live redraw that repaints only the named changing artists over a kept background
    looks like the figure drawn whole, at every extreme (a stale background would not)."""
    from PIL import Image

    for params in demo.extremes():
        fig = demo.render(**params)
        live = np.asarray(Image.open(io.BytesIO(live_png(fig))).convert("RGB"), float)
        buf = io.BytesIO()
        with drawn_whole(fig):
            fig.savefig(buf, format="png")
        whole = np.asarray(Image.open(buf).convert("RGB"), float)
        plt.close(fig)
        assert live.shape == whole.shape
        # antialiasing differs where a changing artist crosses a fixed one: well under 1/255
        assert np.abs(live - whole).mean() < 0.5, params


def test_slider_grid_and_validation():
    assert Slider(1, 100, 10, log=True).grid(3) == pytest.approx([1, 10, 100])
    assert Slider(0, 10, 5, integer=True).grid(3) == [0, 5, 10]
    with pytest.raises(ValueError, match="outside"):
        Slider(0, 1, 2)
    with pytest.raises(ValueError, match="log-scale"):
        Slider(0, 1, 0.5, log=True)
    with pytest.raises(ValueError, match="not one of"):
        Choice(["a", "b"], "c")


def simple_demo():
    def render(a, kind):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, a], label=kind)
        return fig

    return Demo(render, a=Slider(0.0, 2.0, 1.0), kind=Choice(["x", "y"], "x"))


def test_extremes_cover_each_end():
    cases = simple_demo().extremes()
    assert {"a": 0.0, "kind": "x"} in cases and {"a": 2.0, "kind": "x"} in cases
    assert {"a": 0.0, "kind": "y"} in cases and {"a": 2.0, "kind": "y"} in cases


def test_live_builds_widgets_for_each_control():
    import ipywidgets as w

    box = simple_demo().live()
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["a", "kind"]
    assert (
        isinstance(sliders[0], w.FloatSlider) and sliders[0].continuous_update is False
    )


def test_static_is_a_scrubbable_animation():
    html = simple_demo().static("a", frames=3).data
    assert (
        html.count("data:image/png") >= 2
        and 'type="range"' in html
        and len(html) < 1_000_000
    )
    with pytest.raises(ValueError, match="no control"):
        simple_demo().static("b")


def test_descent_demo_rejects_bad_shapes():
    from helpers.demos import ch01

    with pytest.raises(ValueError, match="1-D"):
        ch01.descent(np.zeros((3, 2)), np.zeros(3))
    X, y = data.windows(data.daily_views(60), 1)
    assert isinstance(ch01.descent(X[:, 0].numpy(), y.numpy()), Demo)
