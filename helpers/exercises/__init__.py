"""Each chapter's exercise checkers, built on :mod:`helpers.checker`: ``helpers.exercises.chNN``.

A chapter module exposes one :class:`~helpers.checker.Checker` (or
:class:`~helpers.checker.NumberChecker`) per checked exercise, and lists them in ``CHECKERS`` so the
tests can feed each its reference (correct), a stub (not attempted) and its typical mistakes (wrong).
"""
