"""The claim recorder: refuses claims that cannot fail, asserts, names the arm that broke, records."""

import json

import pytest

from helpers import claims
from tests.nbval_measured import compared, is_measured


def test_a_claim_that_holds_is_recorded_with_its_arms():
    rec = claims.Recorder("03")
    rec.claim(
        "CNN beats MLP",
        arms={"CNN": [0.9, 0.92, 0.91], "MLP": [0.5, 0.6, 0.55]},
        holds=claims.above("CNN", "MLP"),
        source="lecun1998gradient",
    )
    r = rec.claims[-1]
    assert r["holds"] and r["chapter"] == "03" and r["arms"]["MLP"] == [0.5, 0.6, 0.55]
    json.dumps(r)  # storable in an output's metadata


def test_a_broken_claim_fails_naming_the_arm():
    rec = claims.Recorder("03")
    with pytest.raises(
        AssertionError, match="arm 'CNN'.s worst seed 0.5 is not above arm 'MLP'"
    ):
        rec.claim(
            "CNN beats MLP",
            arms={"CNN": [0.9, 0.5, 0.91], "MLP": [0.5, 0.6, 0.55]},
            holds=claims.above("CNN", "MLP"),
        )


@pytest.mark.parametrize(
    "arms, match",
    [
        ({"A": [1, 2, 3]}, "at least 2 arms"),
        ({"A": [1, 2], "B": [0, 0, 0]}, "at least 3 seeds"),
        ({"A": [1, 2, float("nan")], "B": [0, 0, 0]}, "NaN"),
        ([1, 2, 3], "must be a dict"),
        ({"A": ["x", "y", "z"], "B": [0, 0, 0]}, "must hold numbers"),
    ],
)
def test_malformed_claims_are_refused(arms, match):
    with pytest.raises(claims.ClaimError, match=match):
        claims.Recorder("01").claim("x", arms=arms, holds=lambda a: True)


@pytest.mark.parametrize(
    "holds",
    [
        lambda a: True,  # asserts nothing
        lambda a: min(a["A"]) >= min(a["A"]),  # compares a thing with itself
        lambda a: (
            max(max(a["A"]), max(a["B"])) > 0
        ),  # symmetric in the arms: no control
    ],
)
def test_claims_that_cannot_fail_are_refused(holds):
    with pytest.raises(claims.ClaimError, match="cannot fail"):
        claims.Recorder("01").claim(
            "x", arms={"A": [3, 4, 5], "B": [0, 1, 2]}, holds=holds
        )


def test_predicates_and_their_explanations():
    arms = {"A": [3.0, 4.0, 5.0], "B": [0.0, 1.0, 2.0], "C": [3.9, 4.0, 4.1]}
    assert claims.above("A", "B")(arms) and not claims.above("B", "A")(arms)
    assert claims.below("B", "A")(arms) and not claims.above("A", "B", margin=1.5)(arms)
    assert claims.mean_above("A", "B", margin=2.9)(arms) and claims.mean_below(
        "B", "C"
    )(arms)
    assert claims.within("C", "A", tol=0.2)(arms) and not claims.within(
        "B", "A", tol=0.2
    )(arms)
    assert claims.at_least("A", 3)(arms) and claims.at_most("B", 2)(arms)
    both = claims.all_of(claims.above("A", "B"), claims.at_least("B", 1))
    assert (
        not both(arms)
        and "arm 'B'" in both.explain(arms)
        and "arm 'A'" not in both.explain(arms)
    )


def test_measured_outputs_are_left_out_of_comparison():
    shown = {
        "output_type": "display_data",
        "data": {"text/plain": "0.91"},
        "metadata": {"book_measured": True},
    }
    printed = {"output_type": "stream", "name": "stdout", "text": "ok"}
    assert is_measured(shown) and not is_measured(printed)
    assert compared([printed, shown]) == [printed]
