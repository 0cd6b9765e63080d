"""A Sphinx extension: each page loads every script once.

With Jupyter Book 1.0.4 and Sphinx 7.4, sphinx-thebe's and sphinx-togglebutton's inline scripts
reach every page twice (once with no file name, once with an empty one); the second
``const THEBE_JS_URL`` is a JavaScript error in every reader's console (found by tests/browser).
This keeps the first copy of each script.
"""


def _unique(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (getattr(script, "filename", None) or "", attributes)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
