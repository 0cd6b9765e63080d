"""Chapter 01 as Colab meets it: a fresh environment with Colab's packages, where only the
notebook's own set-up cell installs ``helpers``, from a local clone of this repository (named by
BOOK_HELPERS, where Colab would use the repository's URL). The clone holds what is committed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What Colab ships that the book uses (ipywidgets 7.7.1 as Colab pins it; torch from local disk here).
COLAB_PACKAGES = [
    "torch==2.13.0",
    "ipywidgets==7.7.1",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "tqdm",
    "ipykernel<7",
    "nbclient",
    "nbformat",
]

RUN = """
import importlib.util, sys, nbformat, nbclient
assert importlib.util.find_spec("helpers") is None, "helpers must not be installed before the set-up cell"
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
import ipywidgets
print("ran with ipywidgets", ipywidgets.__version__)
"""


def test_chapter_01_runs_in_a_colab_like_environment(tmp_path):
    venv = tmp_path / "colab"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env.update(
        HELPERS_PROGRESS="0", BOOK_HELPERS=str(clone), PIP_DISABLE_PIP_VERSION_CHECK="1"
    )
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", *COLAB_PACKAGES],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    nb = next((clone / "book").glob("01_*.ipynb"))
    out = subprocess.run(
        [str(py), "-c", RUN, str(nb), str(tmp_path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ran with ipywidgets 7.7.1" in out.stdout
    check = subprocess.run(
        [str(py), "-c", "import helpers, sys; print(helpers.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in check.stdout, (
        "helpers should come from the Colab environment's site-packages"
    )
