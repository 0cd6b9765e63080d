"""Book-level checks: every chapter is in the table of contents, executed, outlined and cited."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def config_value(key: str) -> str:
    m = re.search(rf"^\s+{key}:\s*(\S+)", (ROOT / "_config.yml").read_text(), re.M)
    assert m, f"{key} missing from _config.yml"
    return m.group(1)


def cells(path, kind):
    return [
        "".join(c["source"])
        for c in json.loads(path.read_text())["cells"]
        if c["cell_type"] == kind
    ]


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebooks found"


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_is_in_the_toc(nb):
    assert f"file: book/{nb.stem}" in (ROOT / "_toc.yml").read_text()


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_setup_cell_installs_helpers_from_the_configured_repository(nb):
    setup = cells(nb, "code")[0]
    assert f'"git+{config_value("url")}"' in setup, (
        "run `make stamp` after changing repository.url"
    )
    assert "env.setup(" in setup


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_is_executed_without_errors(nb):
    for c in json.loads(nb.read_text())["cells"]:
        if c["cell_type"] == "code" and "".join(c["source"]).strip():
            assert c["execution_count"] is not None, (
                "unexecuted cell: run `make execute`"
            )
            assert all(o["output_type"] != "error" for o in c["outputs"])


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_outline(nb):
    md, code = "\n".join(cells(nb, "markdown")), "\n".join(cells(nb, "code"))
    for part in ["Objectives", "## Summary", "## Exercises", "## References"]:
        assert part in md, f"missing {part!r}"
    assert "{solution-start}" in md and "{exercise}" in md
    assert "assert_close" in code, "no check against a reference"
    assert ".live()" in code and ".static(" in code, "no demo with a static version"


def test_citations_exist_in_the_bibliography():
    bib = (ROOT / "book" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    cited = set()
    for page in [*CHAPTERS, *(ROOT / "book").glob("*.md")]:
        text = (
            "\n".join(cells(page, "markdown"))
            if page.suffix == ".ipynb"
            else page.read_text()
        )
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            cited |= {k.strip() for k in group.split(",")}
    assert cited <= keys, f"unknown citation keys: {cited - keys}"


def outputs_metadata(nb, key):
    """Every value stored under ``key`` in the metadata of a notebook's outputs."""
    return [
        o["metadata"][key]
        for c in json.loads(nb.read_text())["cells"]
        for o in c.get("outputs", [])
        if key in o.get("metadata", {})
    ]


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_at_least_two_checked_exercises(nb):
    checks = outputs_metadata(nb, "book_check")
    starters = {c["exercise"] for c in checks if c["status"] == "not attempted"}
    solved = {c["exercise"] for c in checks if c["status"] == "correct"}
    assert not [c for c in checks if c["status"] == "wrong"], (
        "a stored checker verdict says wrong"
    )
    assert len(starters & solved) >= 2, (
        f"checked exercises whose starter says 'not attempted' and whose solution says 'correct': "
        f"{sorted(starters & solved)}; need at least 2"
    )


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_records_its_results_as_claims(nb):
    recorded = outputs_metadata(nb, "book_claim")
    assert recorded, "no result recorded with helpers.claims"
    chapter = nb.stem[:2]
    for c in recorded:
        assert c["holds"] and c["chapter"] == chapter, c["text"]
        assert len(c["arms"]) >= 2 and all(len(v) >= 3 for v in c["arms"].values()), c[
            "text"
        ]


def test_most_code_cells_stay_compared():
    """A cell whose outputs nbval still compares: not skipped or ignored, with an unmeasured output."""
    from tests.nbval_measured import compared_share

    shares = {nb.stem: compared_share(nb) for nb in CHAPTERS}
    total = sum(c for c, _ in shares.values()) / sum(n for _, n in shares.values())
    assert total >= 0.5, (
        f"only {total:.0%} of code cells with output are compared: {shares}"
    )


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text(nb):
    """A figure's alt text (cell metadata ``mystnb.image.alt``) says what it shows to a reader who cannot see it."""
    missing = []
    for i, c in enumerate(json.loads(nb.read_text())["cells"]):
        if c["cell_type"] == "code" and any(
            "image/png" in o.get("data", {}) for o in c.get("outputs", [])
        ):
            alt = c["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            if len(alt.strip()) < 20:
                missing.append(i)
    assert not missing, (
        f"figure cells without alt text (cell metadata mystnb.image.alt): {missing}"
    )


CODE_COLUMNS = (
    88  # what the site's code column shows at 1280 px, and ruff's line length
)


@pytest.mark.parametrize(
    "nb",
    CHAPTERS + [ROOT / "book/results.ipynb", ROOT / "book/timings.ipynb"],
    ids=lambda p: p.stem,
)
def test_code_lines_fit_the_page(nb):
    """Ruff formats code at 88 columns but leaves long strings, comments and docstrings alone."""
    long = [
        line
        for source in cells(nb, "code")
        for line in source.splitlines()
        if len(line) > CODE_COLUMNS
    ]
    assert not long, f"{len(long)} code lines over {CODE_COLUMNS} columns: {long[:3]}"


def test_chapters_are_numbered_by_the_table_of_contents():
    """Sphinx numbers chapters by their place in the numbered part: the place is the file's number."""
    toc = (ROOT / "_toc.yml").read_text()
    part = toc[toc.index("caption: Chapters") :].split("- caption:")[0]
    assert "numbered: true" in part, "the chapters' part of _toc.yml is not numbered"
    files = re.findall(r"file: book/(\d\d)_", part)
    assert files == [f"{k:02d}" for k in range(1, len(files) + 1)], (
        f"chapter files {files} are not 01, 02, ... in order: Sphinx would misnumber them"
    )


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.stem)
def test_headings_carry_no_typed_numbers(nb):
    """Section numbers come from Sphinx; a typed '## 3.2' would go stale when sections move."""
    typed = [
        line
        for source in cells(nb, "markdown")
        for line in source.splitlines()
        if re.match(r"#+ \d+\.(\d+)?\s", line)
    ]
    assert not typed, f"headings with typed numbers: {typed}"
