"""A Sphinx extension: equations are numbered per chapter, (6.1), (6.2), ..., as in a textbook.

Sphinx numbers display equations through the whole book when the table of contents is not
numbered (chapter 06 opened at (58)). The chapter's number is already in its file name
(``book/06_generation``), so once Sphinx has assigned its numbers, this renumbers each chapter's
equations in their order as (chapter, k). Cross-references ({eq}) read the same table, so the
text and the equations agree.
"""

import re

CHAPTER = re.compile(r"(?:^|/)(\d\d)_[^/]*$")


def _renumber(app, doctree, docname):
    env = app.env
    if getattr(app, "_chapter_equations_done", False):
        return
    app._chapter_equations_done = True
    for doc, by_type in env.toc_fignumbers.items():
        m = CHAPTER.search(doc)
        numbers = by_type.get("displaymath")
        if not m or not numbers:
            continue
        chapter = int(m.group(1))
        ordered = sorted(numbers, key=lambda node_id: numbers[node_id])
        for k, node_id in enumerate(ordered, start=1):
            numbers[node_id] = (chapter, k)


def setup(app):
    app.connect("doctree-resolved", _renumber, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
