"""Exercises that check a learner's answer on the spot, offline, in Jupyter, Colab or plain Python.

A :class:`Checker` holds a reference solution, a few test cases and the typical wrong answers of
one exercise. ``checker.check(fn)`` runs the learner's function on each case and answers in one or
two plain lines: *not attempted yet* (the starter's body is still ``...``), *correct*, or which case
failed, what was expected, what came back, and a hint. It never lets a traceback from inside torch
reach the learner: an exception, a wrong shape or dtype, a NaN, a missing ``return`` each get a
sentence. A :class:`NumberChecker` does the same for a number the learner reports from a run.

Each verdict is also stored in the output's metadata under ``book_check`` (exercise label and
status), so tools can count them. Per-chapter checkers live in ``helpers/exercises/chNN.py``.
Introduced in chapter 01.
"""

import dis
import html
import math
from dataclasses import dataclass, field

import numpy as np
import torch

CORRECT, NOT_ATTEMPTED, WRONG = "correct", "not attempted", "wrong"
_TRIVIAL_OPS = {
    "RESUME",
    "NOP",
    "LOAD_CONST",
    "RETURN_VALUE",
    "RETURN_CONST",
    "CACHE",
    "POP_TOP",
}


@dataclass
class Verdict:
    """What a checker found: ``status`` is ``correct``, ``not attempted`` or ``wrong``."""

    label: str
    status: str
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_mimebundle_(self, include=None, exclude=None):
        colour = {CORRECT: "#1a7f37", NOT_ATTEMPTED: "#6e7781", WRONG: "#cf222e"}[
            self.status
        ]
        body = html.escape(self.message).replace("\n", "<br>")
        return (
            {
                "text/plain": self.message,
                "text/html": f'<div class="book-check" style="border-left:4px solid {colour};'
                f'padding-left:0.6em">{body}</div>',
            },
            {"book_check": {"exercise": self.label, "status": self.status}},
        )


@dataclass
class Case:
    """One test of the learner's function: a name the learner can read, and the arguments."""

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


def is_stub(fn) -> bool:
    """True when ``fn``'s body does nothing but return ``None`` (``...``, ``pass`` or a docstring)."""
    try:
        ins = list(dis.get_instructions(fn))
    except TypeError:
        return False
    consts = [i.argval for i in ins if i.opname in ("LOAD_CONST", "RETURN_CONST")]
    return {i.opname for i in ins} <= _TRIVIAL_OPS and all(c is None for c in consts)


def _fmt(x, digits: int = 4) -> str:
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.numel() == 1:
            return f"{x.item():.{digits}g}" if x.is_floating_point() else str(x.item())
        flat = x.flatten()[:6]
        items = ", ".join(
            f"{v:.{digits}g}" if x.is_floating_point() else str(v)
            for v in flat.tolist()
        )
        more = ", ..." if x.numel() > 6 else ""
        return f"tensor of shape {tuple(x.shape)}: [{items}{more}]"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return repr(x)


def _to_tensor(got, expected: torch.Tensor):
    """The learner's value as a tensor, or a sentence saying why it is not one."""
    if isinstance(got, torch.Tensor):
        return got, None
    if got is None:
        return None, "returned None: did you forget the `return`?"
    if isinstance(
        got, (np.ndarray, float, int, list, np.floating, np.integer)
    ) and not isinstance(got, bool):
        try:
            return torch.as_tensor(np.asarray(got), dtype=expected.dtype), None
        except (TypeError, ValueError):
            pass
    return (
        None,
        f"returned a {type(got).__name__}, expected a tensor of shape {tuple(expected.shape)}",
    )


def compare(expected, got, rtol: float = 1e-4, atol: float = 1e-6) -> str | None:
    """``None`` when ``got`` matches ``expected``; otherwise a sentence saying how it differs."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            kind = type(got).__name__
            return f"returned a {kind}, expected a tuple of {len(expected)} values"
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare(e, g, rtol, atol)
            if problem:
                return f"value {i + 1} of the tuple: {problem}"
        return None
    if isinstance(expected, (bool, str)):
        return None if got == expected else f"expected {expected!r}, got {got!r}"
    if isinstance(expected, (int, float)) and not isinstance(expected, torch.Tensor):
        expected = torch.tensor(float(expected), dtype=torch.float64)
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.reshape(())
    t, problem = _to_tensor(got, expected)
    if problem:
        return problem
    if expected.is_floating_point() and not (t.is_floating_point() or t.is_complex()):
        return f"returned dtype {t.dtype}, expected a floating-point tensor ({expected.dtype})"
    if t.shape != expected.shape:
        hint = (
            " (same number of entries: a transpose, a reshape or the wrong axis?)"
            if t.numel() == expected.numel()
            else ""
        )
        return (
            f"returned shape {tuple(t.shape)}, expected {tuple(expected.shape)}{hint}"
        )
    t = t.detach().to(expected.dtype) if expected.is_floating_point() else t.detach()
    if (
        t.is_floating_point()
        and not torch.isfinite(t).all()
        and torch.isfinite(expected).all()
    ):
        return "returned NaN or infinite values (a division by zero, or the log of 0?)"
    if expected.is_floating_point():
        if torch.allclose(t, expected, rtol=rtol, atol=atol, equal_nan=True):
            return None
    elif torch.equal(t, expected):
        return None
    return f"expected {_fmt(expected)}, got {_fmt(t)}"


def _generic_mistake(expected, got) -> str | None:
    """Recognize a flipped sign or a constant factor between two floating tensors."""
    try:
        e = torch.as_tensor(expected, dtype=torch.float64).detach()
        g = torch.as_tensor(got, dtype=torch.float64).detach()
    except (TypeError, ValueError, RuntimeError):
        return None
    if (
        e.shape != g.shape
        or e.numel() == 0
        or not torch.isfinite(g).all()
        or e.abs().max() < 1e-12
    ):
        return None
    if torch.allclose(g, -e, rtol=1e-4, atol=1e-8):
        return "the sign is flipped"
    mask = e.abs() > 1e-8 * e.abs().max()
    ratio = g[mask] / e[mask]
    if (
        ratio.numel()
        and torch.allclose(ratio, ratio[0].expand_as(ratio), rtol=1e-4)
        and torch.allclose(g[~mask], torch.zeros((), dtype=g.dtype), atol=1e-8)
        and abs(ratio[0].item() - 1) > 1e-3
    ):
        return (
            f"every value is {ratio[0].item():.4g} times the expected one: a missing or extra factor "
            "(a sum instead of a mean, or the reverse?)"
        )
    return None


class Checker:
    """Check a learner's function against ``reference`` on ``cases``.

    ``cases`` is a list of :class:`Case` (or a function returning one, so tensors are built only
    when checking). ``mistakes`` maps a hint to a typical wrong answer (a function): when the
    learner's output equals that wrong answer's, the hint is what the checker says.
    """

    def __init__(
        self,
        label: str,
        reference,
        cases,
        mistakes: dict | None = None,
        hint: str = "",
        rtol: float = 1e-4,
        atol: float = 1e-6,
    ):
        self.label, self.reference, self._cases = label, reference, cases
        self.mistakes, self.hint, self.rtol, self.atol = (
            dict(mistakes or {}),
            hint,
            rtol,
            atol,
        )

    def cases(self) -> list:
        return self._cases() if callable(self._cases) else list(self._cases)

    def verdict(self, fn) -> Verdict:
        """Judge ``fn`` without displaying anything."""
        name = getattr(fn, "__name__", "your function")
        if not callable(fn):
            return Verdict(
                self.label,
                WRONG,
                f"{self.label}: expected a function, got a {type(fn).__name__}.",
            )
        if is_stub(fn):
            return Verdict(
                self.label,
                NOT_ATTEMPTED,
                f"{self.label}: not attempted yet. Fill in `{name}` above, then run this cell again.",
            )
        cases = self.cases()
        for case in cases:
            expected = self.reference(*_clone(case.args), **case.kwargs)
            try:
                got = fn(*_clone(case.args), **case.kwargs)
            except NotImplementedError:
                return Verdict(
                    self.label,
                    NOT_ATTEMPTED,
                    f"{self.label}: not attempted yet. Fill in `{name}` above, then run this cell again.",
                )
            except (
                Exception
            ) as err:  # the learner's code failed: say how, without a traceback
                msg = str(err).strip().splitlines()[0][:160] if str(err).strip() else ""
                return self._wrong(
                    case,
                    f"`{name}` raised {type(err).__name__}"
                    + (f": {msg}" if msg else ""),
                )
            problem = compare(expected, got, self.rtol, self.atol)
            if problem:
                return self._wrong(case, problem, got, expected)
        return Verdict(
            self.label,
            CORRECT,
            f"{self.label}: correct. `{name}` passed all {len(cases)} cases.",
        )

    def _wrong(self, case, problem, got=None, expected=None) -> Verdict:
        hint = self._diagnose(case, got, expected) if got is not None else None
        hint = hint or self.hint
        text = f"{self.label}: wrong on case '{case.name}': {problem}."
        if hint:
            text += f"\nHint: {hint}"
        return Verdict(self.label, WRONG, text)

    def _diagnose(self, case, got, expected) -> str | None:
        for hint, wrong in self.mistakes.items():
            try:
                if (
                    compare(
                        wrong(*_clone(case.args), **case.kwargs),
                        got,
                        self.rtol,
                        self.atol,
                    )
                    is None
                ):
                    return hint
            except Exception:
                continue
        generic = (
            _generic_mistake(expected, got)
            if isinstance(expected, (torch.Tensor, float, int))
            else None
        )
        return f"{generic}. {self.hint}".strip() if generic else None

    def check(self, fn) -> Verdict:
        """Judge ``fn`` and show the verdict (the last line of a cell displays it)."""
        return _show(self.verdict(fn))


class NumberChecker:
    """Check a number the learner reports from a run against the range the chapter's runs give."""

    def __init__(self, label: str, lo: float, hi: float, what: str, hint: str = ""):
        if not lo <= hi:
            raise ValueError(f"lo {lo} must not exceed hi {hi}")
        self.label, self.lo, self.hi, self.what, self.hint = label, lo, hi, what, hint

    def verdict(self, value) -> Verdict:
        if value is ... or value is None:
            return Verdict(
                self.label,
                NOT_ATTEMPTED,
                f"{self.label}: not attempted yet. Replace `...` with {self.what}, then run again.",
            )
        try:
            v = float(value)
        except (TypeError, ValueError):
            return Verdict(
                self.label,
                WRONG,
                f"{self.label}: expected a number ({self.what}), "
                f"got a {type(value).__name__}.",
            )
        if not math.isfinite(v):
            return Verdict(
                self.label,
                WRONG,
                f"{self.label}: {self.what} came out as {v}: the run diverged?",
            )
        if self.lo <= v <= self.hi:
            return Verdict(
                self.label,
                CORRECT,
                f"{self.label}: correct. {v:.4g} lies in the range the "
                f"chapter's runs give ({self.lo:g} to {self.hi:g}).",
            )
        side = "below" if v < self.lo else "above"
        text = f"{self.label}: wrong: {v:.4g} is {side} the range the chapter's runs give ({self.lo:g} to {self.hi:g})."
        return Verdict(
            self.label, WRONG, text + (f"\nHint: {self.hint}" if self.hint else "")
        )

    def check(self, value) -> Verdict:
        return _show(self.verdict(value))


def _clone(args):
    return tuple(a.clone() if isinstance(a, torch.Tensor) else a for a in args)


def _show(v: Verdict) -> Verdict | None:
    """Display ``v`` in a notebook (with its ``book_check`` metadata); print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(v.message)
        return v
    if get_ipython() is None:
        print(v.message)
        return v
    data, metadata = v._repr_mimebundle_()
    display(data, raw=True, metadata=metadata)
    return None
