"""Each chapter's interactive demos, one module per chapter (``ch01``, ...), built on ``helpers.widgets``.

Every module has factories that return :class:`helpers.widgets.Demo` objects, and ``examples()``,
a dict of its demos built on the chapter's data, which the tests render at the extremes of all
their controls.
"""
