"""A demo = a pure ``render(**params) -> Figure`` plus its controls, shown live or precomputed.

``Demo.live()`` wires ipywidgets sliders to ``render`` (``continuous_update=False``; works with
ipywidgets 7.7 as in Colab and 8 locally). ``Demo.static(name)`` renders frames over one
parameter into a scrubbable HTML figure (images and a range slider, a few lines of JavaScript) that
works on the static site, where no kernel runs. ``Demo.extremes()`` lists the settings tests must render cleanly.
Introduced in chapter 01.
"""

import base64
import hashlib
import html
import io
import itertools
import json
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from helpers.env import palette_png


@dataclass
class Slider:
    """A numeric control from ``lo`` to ``hi``, starting at ``value`` (``log=True``: log scale)."""

    lo: float
    hi: float
    value: float
    step: float | None = None
    log: bool = False
    integer: bool = False

    def __post_init__(self):
        if not self.lo <= self.value <= self.hi:
            raise ValueError(
                f"slider value {self.value} lies outside [{self.lo}, {self.hi}]"
            )
        if self.log and self.lo <= 0:
            raise ValueError("a log-scale slider needs lo > 0")

    def grid(self, n: int) -> list:
        """``n`` values spread over the range (geometrically for a log slider)."""
        v = (
            np.geomspace(self.lo, self.hi, n)
            if self.log
            else np.linspace(self.lo, self.hi, n)
        )
        return (
            sorted({int(round(x)) for x in v})
            if self.integer
            else [float(x) for x in v]
        )

    def widget(self, name: str):
        import ipywidgets as w

        common = dict(
            description=name,
            continuous_update=False,
            style={"description_width": "initial"},
        )
        if self.integer:
            return w.IntSlider(
                value=int(self.value),
                min=int(self.lo),
                max=int(self.hi),
                step=int(self.step or 1),
                **common,
            )
        if self.log:
            return w.FloatLogSlider(
                value=self.value,
                base=10,
                min=np.log10(self.lo),
                max=np.log10(self.hi),
                step=self.step or 0.05,
                **common,
            )
        step = self.step or (self.hi - self.lo) / 100
        return w.FloatSlider(
            value=self.value,
            min=self.lo,
            max=self.hi,
            step=step,
            readout_format=".3g",
            **common,
        )


@dataclass
class Choice:
    """A control that picks one of ``options``."""

    options: list
    value: object

    def __post_init__(self):
        if self.value not in self.options:
            raise ValueError(
                f"choice value {self.value!r} is not one of {self.options}"
            )

    def grid(self, n: int) -> list:
        return list(self.options)

    def widget(self, name: str):
        import ipywidgets as w

        return w.Dropdown(options=self.options, value=self.value, description=name)


class Demo:
    """An interactive figure: ``Demo(render, lr=Slider(...), ...)``."""

    def __init__(self, render, **controls):
        self.render, self.controls = render, controls

    @property
    def defaults(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def show(self, **params):
        """Render at the default settings (overridden by ``params``) and display the figure."""
        from IPython.display import display

        fig = self.render(**{**self.defaults, **params})
        with drawn_whole(fig):
            display(fig)  # the notebook's sharp figure, as any other figure of the page
        plt.close(fig)
        return fig

    def extremes(self) -> list[dict]:
        """Settings tests must render cleanly: each control at each end (every option of a
        ``Choice``) with the others at their defaults, and every combination of the ends."""
        ends = {
            k: c.grid(2) if isinstance(c, Choice) else (c.grid(2)[0], c.grid(2)[-1])
            for k, c in self.controls.items()
        }
        cases = [{**self.defaults, k: v} for k, vs in ends.items() for v in vs]
        cases += [dict(zip(ends, combo)) for combo in itertools.product(*ends.values())]
        unique = []
        for case in cases:
            if case not in unique:
                unique.append(case)
        return unique

    def live(self):
        """Sliders wired to ``render`` (needs a running kernel: Jupyter, Colab)."""
        import ipywidgets as w

        sliders = {k: c.widget(k) for k, c in self.controls.items()}

        def draw(**params):
            _display_live(self.render(**params))

        out = w.interactive_output(draw, sliders)
        return w.VBox(
            [w.HBox(list(sliders.values()), layout=w.Layout(flex_flow="row wrap")), out]
        )

    def describe(self) -> str:
        """What the demo shows, for alt text: the first line of ``render``'s docstring."""
        doc = (self.render.__doc__ or "").strip().splitlines()
        return doc[0].rstrip(".") if doc else "interactive figure"

    def static(self, name: str, frames: int = 12, dpi: int = 72):
        """A scrubbable version over control ``name`` (others at defaults), for the static site.

        Each frame is rendered once to a palette PNG (128 colours keep it small: ~15-40 KB); a range
        slider under the image swaps frames in the browser, with no kernel. It opens at the default.
        The image's alt text says what the demo shows (:meth:`describe`) and at which setting.
        """
        from IPython.display import HTML

        if name not in self.controls:
            raise ValueError(
                f"no control named {name!r}; controls: {list(self.controls)}"
            )
        default = self.controls[name].value
        values = sorted(
            set(self.controls[name].grid(frames)) | {default}, key=_sort_key
        )
        pngs = []
        for v in values:
            fig = self.render(**{**self.defaults, name: v})
            buf = io.BytesIO()
            with drawn_whole(fig):
                fig.savefig(buf, format="png", dpi=dpi)
            plt.close(fig)
            small = palette_png(buf.getvalue(), colours=128)
            pngs.append(base64.b64encode(small).decode("ascii"))
        labels = [
            f"{name} = {v:.3g}" if isinstance(v, float) else f"{name} = {v}"
            for v in values
        ]
        start = values.index(default)
        alts = [f"{self.describe()}, at {label}" for label in labels]
        # the id derives from the content, so re-running a notebook leaves its stored HTML unchanged
        uid = "scrub-" + hashlib.sha1("".join(labels + pngs).encode()).hexdigest()[:16]
        return HTML(
            _SCRUBBER.format(
                uid=uid,
                first=pngs[start],
                last=len(pngs) - 1,
                start=start,
                label=labels[start],
                frames=json.dumps(pngs),
                alt=html.escape(alts[start], quote=True),
                labels=json.dumps(labels),
                alts=json.dumps(alts),
            )
        )


def changing(fig, *artists):
    """Name the artists a demo's ``render`` updates; return ``fig``.

    A live redraw then repaints only these over the rest of the figure, drawn once and kept
    (blitting: the fixed axes, ticks and labels are most of a redraw's time). Saved and stored
    figures still draw everything. The demo must not change anything else (limits, ticks).
    """
    for a in artists:
        a.set_animated(True)  # left out of the kept background, drawn on top
    fig._book_changing = list(artists)
    return fig


@contextmanager
def drawn_whole(fig):
    """Within: the figure draws as if nothing were named changing (for saved figures, which
    would otherwise leave out a changing figure-level artist such as a suptitle)."""
    named = getattr(fig, "_book_changing", [])
    for a in named:
        a.set_animated(False)
    try:
        yield fig
    finally:
        for a in named:
            a.set_animated(True)


def forget_background(fig) -> None:
    """Call when ``render`` changed more than its named artists (an axis shown or hidden)."""
    fig._book_background = None


def live_png(fig) -> bytes:
    """The PNG a live demo shows after each slider move: one drawing pass at the figure's size.

    The notebook's own figure display (twice the pixels, tight bounds, a palette) is for the stored
    pages; for a reader waiting on a slider it costs 2-4x the time (chapter 02's regularization
    demo: 400 ms against 118 ms), so live redraws skip it. A figure whose changing artists are
    named (:func:`changing`) repaints only those.
    """
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        # a layout done once (tight_layout at set-up) leaves this behind, and it makes savefig
        # draw everything twice per redraw; the positions it fixed stay
        fig.set_layout_engine(None)
    if getattr(fig, "_book_changing", None):
        return _blit_png(fig)
    # light compression: a quarter of the encoding time, for a local kernel
    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _blit_png(fig) -> bytes:
    """Restore the kept background, draw the changing artists, encode the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas
    if not hasattr(canvas, "copy_from_bbox"):
        canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    kept = getattr(fig, "_book_background", None)
    if kept is None or kept[0] is not renderer:
        canvas.draw()  # everything but the animated artists
        renderer = canvas.get_renderer()
        fig._book_background = (renderer, canvas.copy_from_bbox(fig.bbox))
    else:
        canvas.restore_region(kept[1])
    touched = []
    for a in fig._book_changing:
        if a.axes is None or a.axes.get_visible():  # as a full draw skips hidden axes
            fig.draw_artist(a)
            if a.axes is not None and a.axes not in touched:
                touched.append(a.axes)
    for ax in touched:  # the frame lies above images and lines in a whole drawing
        for spine in ax.spines.values():
            fig.draw_artist(spine)
    w, h = canvas.get_width_height(physical=True)
    buf = io.BytesIO()
    Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buf, format="png", compress_level=1
    )
    return buf.getvalue()


def _display_live(fig) -> None:
    """Show ``fig`` fast, once, whether ``render`` drew a new figure or updated one it keeps."""
    from IPython.display import Image, display

    display(Image(live_png(fig)))
    plt.close(fig)


def _sort_key(v):
    return (0, v) if isinstance(v, (int, float)) else (1, str(v))


_SCRUBBER = """<div id="{uid}" class="helpers-scrub">
<img src="data:image/png;base64,{first}" style="max-width:100%" alt="{alt}">
<div><input type="range" min="0" max="{last}" value="{start}" step="1" style="width:60%;vertical-align:middle">
<span style="font-family:monospace;margin-left:1em">{label}</span> <small>(drag to scrub)</small></div>
<script>(function () {{
  const root = document.getElementById("{uid}"), frames = {frames}, labels = {labels}, alts = {alts};
  const img = root.querySelector("img"), slider = root.querySelector("input"), label = root.querySelector("span");
  slider.addEventListener("input", function () {{
    img.src = "data:image/png;base64," + frames[slider.value];
    label.textContent = labels[slider.value];
    img.alt = alts[slider.value];
  }});
}})();</script>
</div>"""
