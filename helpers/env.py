"""Reproducible set-up for a notebook: seeds, threads, device, plot style (chapter 01)."""

import base64
import io
import random
import sys
from functools import partial

import matplotlib as mpl
import numpy as np
import torch

#: The plot style every chapter shares: readable at the site's width, no seaborn needed.
STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
}


def in_colab() -> bool:
    """True when running in Google Colab (whose kernel has imported ``google.colab``)."""
    return "google.colab" in sys.modules


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def palette_png(png: bytes, colours: int = 256) -> bytes:
    """The same picture as a palette PNG: 256 colours look the same for line plots and
    colour maps and take about a third of the bytes (measured on chapter 02: 1.7 MB -> 0.6 MB).
    """
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(colours).save(
        out, format="png", optimize=True
    )
    return out.getvalue()


def _sharp_png(fig, **kwargs):
    """IPython's retina PNG of ``fig`` (twice its pixels, shown at its size), as a palette PNG."""
    from IPython.core.pylabtools import retina_figure

    out = retina_figure(fig, base64=False, **kwargs)
    if out is None:  # an empty figure draws nothing, as IPython's own formatter
        return None
    png, size = out
    return base64.b64encode(palette_png(png)).decode("ascii"), size


def sharp_figures() -> None:
    """In a notebook, store figures as PNGs at twice their pixel size, shown at their size.

    They stay crisp on high-density screens; each PNG's stored width and height keep it at its
    size on the site, and a 256-colour palette keeps a chapter page light. Outside IPython this
    does nothing.
    """
    try:
        from IPython import get_ipython
        from matplotlib.figure import Figure
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        set_matplotlib_formats("retina")
        png = shell.display_formatter.formatters["image/png"]
        png.for_type(Figure, partial(_sharp_png, bbox_inches="tight"))


def setup(seed: int = 0, threads: int = 1) -> torch.device:
    """Prepare a notebook: seed, torch threads, plot style, sharp figures; return the device.

    Small models run fastest on one thread (measured 5-25x faster than two threads on a busy
    2-core machine), so that is the default. A GPU is used when there is one, never needed.
    """
    seed_everything(seed)
    torch.set_num_threads(threads)
    mpl.rcParams.update(STYLE)
    sharp_figures()
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
