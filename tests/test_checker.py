"""The exercise checker itself, then every chapter's checkers on right, stub and typical wrong answers."""

import importlib
import pkgutil

import pytest
import torch

import helpers.exercises
from helpers.checker import (
    CORRECT,
    NOT_ATTEMPTED,
    WRONG,
    Case,
    Checker,
    NumberChecker,
    compare,
    is_stub,
)


def mean_sq(x):
    return (x**2).mean()


SQ = Checker(
    "ex-test",
    mean_sq,
    cases=[Case("three numbers", (torch.tensor([1.0, 2.0, 3.0]),))],
    mistakes={"you squared the mean": lambda x: x.mean() ** 2},
    hint="average the squares",
)


def stub(x):
    """A starter."""
    ...


def test_stub_is_not_attempted_and_reference_is_correct():
    assert is_stub(stub) and not is_stub(mean_sq)
    assert SQ.verdict(stub).status == NOT_ATTEMPTED
    assert "not attempted yet" in SQ.verdict(stub).message
    v = SQ.verdict(mean_sq)
    assert v.status == CORRECT and "correct" in v.message


@pytest.mark.parametrize(
    "answer, says",
    [
        (lambda x: x.mean() ** 2, "you squared the mean"),  # a registered mistake
        (lambda x: -(x**2).mean(), "sign is flipped"),  # generic: sign
        (lambda x: (x**2).sum(), "3 times the expected"),  # generic: sum vs mean
        (lambda x: x**2, "returned shape (3,), expected ()"),  # wrong shape
        (lambda x: (x**2).mean() / 0 * 0, "NaN"),  # NaN
        (
            lambda x: (x**2).long().mean(),
            "raised RuntimeError",
        ),  # an exception in their code
        (
            lambda x: torch.tensor(4, dtype=torch.int64),
            "dtype torch.int64",
        ),  # wrong dtype
        (lambda x: None if x.sum() else 0, "forget the `return`"),  # no return
        (lambda x: "4.67", "returned a str"),  # wrong type
    ],
)
def test_wrong_answers_get_a_clear_sentence(answer, says):
    v = SQ.verdict(answer)
    assert v.status == WRONG and says in v.message, v.message
    assert "Traceback" not in v.message and len(v.message.splitlines()) <= 2


def test_compare_accepts_numpy_and_floats_and_checks_tuples():
    assert compare(torch.tensor([1.0, 2.0]), [1.0, 2.0]) is None
    assert compare(2.5, torch.tensor(2.5)) is None
    assert "value 2 of the tuple" in compare(
        (torch.tensor(1.0), torch.tensor(2.0)), (1.0, 3.0)
    )
    assert "transpose" in compare(torch.zeros(2, 3), torch.zeros(3, 2))


def test_number_checker():
    nc = NumberChecker("ex-n", 0.8, 0.9, "the accuracy you measured")
    assert nc.verdict(...).status == NOT_ATTEMPTED
    assert nc.verdict(0.85).status == CORRECT
    assert "below the range" in nc.verdict(0.5).message
    assert nc.verdict(float("nan")).status == WRONG and nc.verdict("x").status == WRONG


def chapter_checkers():
    for info in pkgutil.iter_modules(helpers.exercises.__path__):
        module = importlib.import_module(f"helpers.exercises.{info.name}")
        for checker in module.CHECKERS:
            yield pytest.param(checker, id=f"{info.name}.{checker.label}")


CHECKERS = list(chapter_checkers())


@pytest.mark.parametrize("checker", CHECKERS)
def test_chapter_checker_on_right_stub_and_typical_wrong_answers(checker):
    if isinstance(checker, NumberChecker):
        assert checker.verdict(...).status == NOT_ATTEMPTED
        assert checker.verdict((checker.lo + checker.hi) / 2).status == CORRECT
        assert checker.verdict(checker.hi + 1 + abs(checker.hi)).status == WRONG
        return
    assert checker.verdict(stub).status == NOT_ATTEMPTED
    assert checker.verdict(checker.reference).status == CORRECT, checker.verdict(
        checker.reference
    ).message
    assert checker.mistakes, (
        f"{checker.label}: list the exercise's typical wrong answers in `mistakes`"
    )
    for hint, wrong in checker.mistakes.items():
        v = checker.verdict(wrong)
        assert v.status == WRONG, (
            f"{checker.label}: the mistake {hint!r} passed as correct"
        )
        assert hint in v.message, (
            f"{checker.label}: the mistake {hint!r} was reported as: {v.message}"
        )
