"""A pytest plugin for nbval: outputs marked ``book_measured`` are shown, not compared.

A chapter shows two kinds of output. What is the same on every CPU (checks against PyTorch,
shapes, counts, closed forms, verdicts) nbval compares as usual. What training produced differs
in its last digits from one CPU to another: the chapter shows it through
``helpers.claims.measured`` or a recorded claim, which mark the output's metadata with
``book_measured``, and this plugin drops those outputs from both sides before nbval compares
them. The cell still runs, so every assert in it (a claim's above all) is still checked.

Loaded by the Makefile's nbval runs: ``pytest --nbval -p tests.nbval_measured``.
"""

import pytest


def is_measured(output) -> bool:
    """True for an output whose metadata marks it as machine-dependent."""
    return bool(output.get("metadata", {}).get("book_measured"))


def compared(outputs) -> list:
    """The outputs nbval should compare: all but the measured ones."""
    return [o for o in outputs if not is_measured(o)]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if type(item).__name__ != "IPyNbCell":
            continue
        original = item.compare_outputs

        def compare_outputs(test, ref, skip_compare=None, _original=original):
            return _original(compared(test), compared(ref), skip_compare)

        item.compare_outputs = compare_outputs


def compared_share(path) -> tuple[int, int]:
    """(code cells whose output nbval still compares, code cells with output) of a notebook.

    A cell counts as compared when nbval checks it (no ``NBVAL_IGNORE_OUTPUT`` or ``NBVAL_SKIP``
    comment or tag) and at least one of its outputs is not measured.
    ``python -m tests.nbval_measured book/*.ipynb`` prints the shares.
    """
    import json
    from pathlib import Path

    ignore = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "nbval-ignore-output", "nbval-skip")
    n_compared = n_with_output = 0
    for cell in json.loads(Path(path).read_text())["cells"]:
        if cell["cell_type"] != "code" or not cell.get("outputs"):
            continue
        n_with_output += 1
        marked = any(m in "".join(cell["source"]) for m in ignore[:2]) or any(
            t in cell.get("metadata", {}).get("tags", []) for t in ignore[2:]
        )
        if not marked and compared(cell["outputs"]):
            n_compared += 1
    return n_compared, n_with_output


if __name__ == "__main__":
    import sys

    rows = {p: compared_share(p) for p in sys.argv[1:]}
    for p, (c, n) in rows.items():
        print(f"{p}: {c}/{n} code cells with output compared ({c / n:.0%})")
    c, n = (sum(v[i] for v in rows.values()) for i in (0, 1))
    print(f"all: {c}/{n} ({c / n:.0%})")
