"""Results as recorded claims: a statement, its arms over seeds, and a test that could fail (chapter 01).

A training result differs in its last digits from one CPU to another, so the book never compares
its printed text. Instead a chapter states what the numbers show, as a claim:

    results = claims.Recorder("03")
    results.claim("a CNN keeps more accuracy than an MLP under a 1-pixel shift",
                  arms={"CNN": cnn_acc, "MLP": mlp_acc},         # one value per seed
                  holds=claims.above("CNN", "MLP"), source="lecun1998gradient")

The recorder refuses a claim without a control (fewer than two arms), with fewer than three
seeds an arm, or one that cannot fail (``holds`` must turn false when two arms swap their
values); it shows a table of each arm (mean, spread, every seed), asserts ``holds`` with a
message that names the arm that broke it, and stores the claim in the output's metadata under
``book_claim``, where the book's Results page reads it back.

Outputs of :func:`measured` and the claim tables carry ``book_measured`` in their metadata:
they are shown to the reader, and the book's nbval plugin leaves them out of the comparison.
"""

import html
import itertools
import math
from dataclasses import dataclass

import numpy as np

MIN_SEEDS = 3
MIN_ARMS = 2


class ClaimError(ValueError):
    """A claim that is malformed or cannot fail."""


def _display(text: str, html_text: str, metadata: dict) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: print the text
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display({"text/plain": text, "text/html": html_text}, raw=True, metadata=metadata)


def measured(text: str) -> None:
    """Show a machine-dependent result (a training loss, an accuracy): shown, never compared.

    Use ``print`` for what is the same on every CPU (checks, shapes, counts, closed forms) and
    this for what training produced.
    """
    _display(
        text,
        f'<pre class="book-measured">{html.escape(text)}</pre>',
        {"book_measured": True},
    )


# ---------------------------------------------------------------- predicates that explain themselves


@dataclass
class Predicate:
    """A test on the arms that can say, in a sentence, which arm broke it."""

    test: object
    why: object
    describe: str

    def __call__(self, arms: dict) -> bool:
        return bool(self.test(arms))

    def explain(self, arms: dict) -> str:
        return self.why(arms)


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _order(a: str, b: str, margin: float, higher: bool, by_mean: bool) -> Predicate:
    """Arm ``a`` above (``higher``) or below arm ``b`` by more than ``margin``: every seed of
    each (the worst seed of ``a`` against the best of ``b``), or their means (``by_mean``).
    """
    word, op, sign = ("above", ">", "+") if higher else ("below", "<", "-")
    if by_mean:
        fa = fb = np.mean
        na, nb, sa, sb = "mean", "mean", "mean", "mean"
    else:
        fa, fb = (min, max) if higher else (max, min)
        na, nb, sa, sb = "worst seed", "best seed", fa.__name__, fb.__name__
    if higher:
        test = lambda x: fa(x[a]) > fb(x[b]) + margin  # noqa: E731
    else:
        test = lambda x: fa(x[a]) < fb(x[b]) - margin  # noqa: E731
    return Predicate(
        test,
        lambda x: (
            f"arm {a!r}'s {na} {_fmt(fa(x[a]))} is not {word} arm {b!r}'s "
            f"{nb} {_fmt(fb(x[b]))}" + (f" {sign} margin {margin:g}" if margin else "")
        ),
        f"{sa}({a}) {op} {sb}({b})" + (f" {sign} {margin:g}" if margin else ""),
    )


def above(a: str, b: str, margin: float = 0.0) -> Predicate:
    """Every seed of arm ``a`` lies above every seed of arm ``b`` by more than ``margin``."""
    return _order(a, b, margin, higher=True, by_mean=False)


def below(a: str, b: str, margin: float = 0.0) -> Predicate:
    """Every seed of arm ``a`` lies below every seed of arm ``b`` by more than ``margin``."""
    return _order(a, b, margin, higher=False, by_mean=False)


def mean_above(a: str, b: str, margin: float = 0.0) -> Predicate:
    """The mean of arm ``a`` exceeds the mean of arm ``b`` by more than ``margin``."""
    return _order(a, b, margin, higher=True, by_mean=True)


def mean_below(a: str, b: str, margin: float = 0.0) -> Predicate:
    """The mean of arm ``a`` is below the mean of arm ``b`` by more than ``margin``."""
    return _order(a, b, margin, higher=False, by_mean=True)


def within(a: str, b: str, tol: float) -> Predicate:
    """Every seed of arm ``a`` lies within ``tol`` of arm ``b``'s mean (no worse, no better)."""
    return Predicate(
        lambda x: max(abs(v - np.mean(x[b])) for v in x[a]) <= tol,
        lambda x: (
            f"arm {a!r} strays {_fmt(max(abs(v - np.mean(x[b])) for v in x[a]))} from arm "
            f"{b!r}'s mean {_fmt(np.mean(x[b]))}, more than {tol:g}"
        ),
        f"|{a} - mean({b})| <= {tol:g}",
    )


def at_least(a: str, value: float) -> Predicate:
    """Every seed of arm ``a`` reaches at least ``value``."""
    return Predicate(
        lambda x: min(x[a]) >= value,
        lambda x: f"arm {a!r}'s worst seed {_fmt(min(x[a]))} is below {value:g}",
        f"min({a}) >= {value:g}",
    )


def at_most(a: str, value: float) -> Predicate:
    """Every seed of arm ``a`` stays at most ``value``."""
    return Predicate(
        lambda x: max(x[a]) <= value,
        lambda x: f"arm {a!r}'s worst seed {_fmt(max(x[a]))} is above {value:g}",
        f"max({a}) <= {value:g}",
    )


def all_of(*parts: Predicate) -> Predicate:
    """Every part holds; a failure names the first part that broke."""

    def why(x):
        return "; ".join(p.explain(x) for p in parts if not p(x))

    return Predicate(
        lambda x: all(p(x) for p in parts), why, " and ".join(p.describe for p in parts)
    )


# ---------------------------------------------------------------- the recorder


def _as_arms(arms: dict) -> dict:
    if not isinstance(arms, dict):
        raise ClaimError(
            f"arms must be a dict name -> one value per seed, got {type(arms).__name__}"
        )
    if len(arms) < MIN_ARMS:
        raise ClaimError(
            f"a claim needs at least {MIN_ARMS} arms (the claim and its control or "
            f"baseline); got {list(arms)}"
        )
    out = {}
    for name, values in arms.items():
        try:
            vals = [float(v) for v in np.asarray(values, dtype=float).reshape(-1)]
        except (TypeError, ValueError):
            raise ClaimError(f"arm {name!r} must hold numbers, one per seed") from None
        if len(vals) < MIN_SEEDS:
            raise ClaimError(
                f"arm {name!r} has {len(vals)} value(s); a claim needs at least "
                f"{MIN_SEEDS} seeds an arm"
            )
        if not all(math.isfinite(v) for v in vals):
            raise ClaimError(f"arm {name!r} has a NaN or infinite value: {vals}")
        out[str(name)] = vals
    return out


def cannot_fail(holds, arms: dict) -> bool:
    """True when ``holds`` stays true however two arms swap their values (it tests no arm's identity)."""
    names = list(arms)
    for a, b in itertools.combinations(names, 2):
        swapped = {**arms, a: arms[b], b: arms[a]}
        if not holds(swapped):
            return False
    return True


def _table(arms: dict) -> tuple[str, str]:
    rows = [
        (n, np.mean(v), np.std(v), ", ".join(_fmt(x) for x in v))
        for n, v in arms.items()
    ]
    width = max(len(n) for n in arms)
    text = "\n".join(
        f"  {n:<{width}}  mean {_fmt(m):>8}  sd {_fmt(s):>8}  seeds: {vs}"
        for n, m, s, vs in rows
    )
    cells = "".join(
        f"<tr><td>{html.escape(n)}</td><td>{_fmt(m)}</td><td>{_fmt(s)}</td><td>{vs}</td></tr>"
        for n, m, s, vs in rows
    )
    table = (
        "<table><thead><tr><th>arm</th><th>mean</th><th>sd</th><th>per seed</th></tr></thead>"
        f"<tbody>{cells}</tbody></table>"
    )
    return text, table


class Recorder:
    """States a chapter's claims: ``results = Recorder("03")`` in the set-up cell."""

    def __init__(self, chapter: str):
        self.chapter = str(chapter)
        self.claims = []

    def claim(self, text: str, arms: dict, holds, source: str | None = None) -> None:
        """Check, show, assert and record one claim (its record goes to ``self.claims``)."""
        arms = _as_arms(arms)
        if not callable(holds):
            raise ClaimError(
                "holds must be a function of the arms, such as claims.above('A', 'B')"
            )
        if cannot_fail(holds, arms):
            raise ClaimError(
                f"claim {text!r} cannot fail: it still holds with any two arms' values "
                "swapped, so it tests no arm against another (compare an arm with its control)"
            )
        ok = bool(holds(arms))
        anchor = f"claim-{self.chapter}-{len(self.claims) + 1}"  # the Results page links here
        record = {
            "chapter": self.chapter,
            "text": text,
            "arms": arms,
            "holds": ok,
            "source": source,
            "test": getattr(holds, "describe", None),
            "anchor": anchor,
        }
        self.claims.append(record)
        plain, table = _table(arms)
        verdict = "holds" if ok else "FAILS"
        cite = f" ({source})" if source else ""
        _display(
            f"claim {verdict}: {text}{cite}\n{plain}",
            f'<div class="book-claim" id="{anchor}"><p><b>Claim {verdict}:</b> {html.escape(text)}'
            f"{html.escape(cite)}</p>{table}</div>",
            {"book_measured": True, "book_claim": record},
        )
        if not ok:
            why = (
                holds.explain(arms)
                if isinstance(holds, Predicate)
                else "; ".join(
                    f"arm {n!r}: {', '.join(_fmt(x) for x in v)}"
                    for n, v in arms.items()
                )
            )
            raise AssertionError(f"claim does not hold: {text}: {why}")
        print(f"claim holds: {text}")
