"""The pure arithmetic: budgets scaled to the award, tranche splits, the grant never exceeded."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.contracts.money import (
    DEFAULT_SPLIT,
    check_split,
    exceeds,
    room_left,
    scale_budget,
    spending_problem,
    split_amounts,
)

D = Decimal


def test_budget_scaled_to_a_cut_award_adds_up_exactly():
    scaled = scale_budget({"equipment": D("1000000"), "labour": D("600000"), "travel": D("400000")}, D("1500000"))
    assert scaled == {"equipment": D("750000.00"), "labour": D("450000.00"), "travel": D("300000.00")}
    odd = scale_budget({"a": D("1"), "b": D("1"), "c": D("1")}, D("100"))
    assert sum(odd.values()) == D("100.00")
    assert odd == {"a": D("33.33"), "b": D("33.33"), "c": D("33.34")}  # the remainder to the largest (last on tie)


def test_budget_without_cut_is_unchanged_and_zero_budget_goes_to_the_first_category():
    lines = {"equipment": D("1000000"), "labour": D("1000000")}
    assert scale_budget(lines, D("2000000")) == lines
    assert scale_budget({"a": D("0"), "b": D("0")}, D("10")) == {"a": D("10.00"), "b": D("0")}
    assert scale_budget({}, D("10")) == {}


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=9),
       st.integers(min_value=0, max_value=10**10))
def test_scaled_budget_always_adds_up(values, total_cents):
    lines = {f"c{i}": D(v) / 100 for i, v in enumerate(values)}
    total = D(total_cents) / 100
    scaled = scale_budget(lines, total)
    assert sum(scaled.values()) == total
    assert all(v >= 0 for v in scaled.values())


def test_default_split_of_a_grant():
    assert [p for _kind, p in DEFAULT_SPLIT] == [50, 30, 20]
    assert split_amounts(D("1000000"), [50, 30, 20]) == [D("500000.00"), D("300000.00"), D("200000.00")]
    assert split_amounts(D("100.01"), [33, 33, 34]) == [D("33.00"), D("33.00"), D("34.01")]


@pytest.mark.parametrize("split, problem", [([], "empty"), ([50, 30], "total"), ([60, 50], "total"),
                                            ([0, 100], "range"), ([101, -1], "range"), ([100], "")])
def test_split_must_total_one_hundred(split, problem):
    assert check_split(split) == problem
    if problem:
        with pytest.raises(ValueError):
            split_amounts(D("100"), split)


@given(st.integers(min_value=0, max_value=10**10),
       st.lists(st.integers(min_value=1, max_value=99), min_size=1, max_size=5, unique=True))
def test_split_always_adds_up_to_the_grant(grant_cents, cuts):
    points = sorted(cuts)
    split = [b - a for a, b in zip([0, *points], [*points, 100], strict=True)]
    grant = D(grant_cents) / 100
    assert sum(split_amounts(grant, split)) == grant


def test_never_over_the_grant():
    assert room_left(D("100"), D("60")) == D("40.00")
    assert room_left(D("100"), D("120")) == D("0")
    assert not exceeds(D("100"), D("60"), D("40"))
    assert exceeds(D("100"), D("60"), D("40.01"))


def _spend(amount, *, category="equipment", paid="400000", spent="0", in_category="0",
           budget=(("equipment", "1000000"), ("travel", "0"))):
    return spending_problem(amount=D(amount), category=category, paid=D(paid), spent=D(spent),
                            budget={k: D(v) for k, v in budget}, spent_in_category=D(in_category))


def test_spending_only_money_received_and_within_the_category_budget():
    assert _spend("400000") == ""
    assert _spend("400000.01") == "paid"
    assert _spend("100000", spent="300000.01") == "paid"
    assert _spend("0") == "amount" and _spend("-5") == "amount"
    assert _spend("10", category="travel") == "category"        # budgeted at zero
    assert _spend("10", category="labour") == "category"        # not in the budget at all
    assert _spend("60", budget=(("equipment", "100"),), in_category="50") == "budget"
    assert _spend("50", budget=(("equipment", "100"),), in_category="50") == ""


@given(st.lists(st.integers(min_value=-10**6, max_value=10**7), max_size=30), st.integers(min_value=0, max_value=10**8))
def test_accepted_spending_never_passes_the_money_paid(amounts, paid_cents):
    paid = D(paid_cents) / 100
    budget = {"equipment": D("1000000")}
    spent = D("0")
    for cents in amounts:
        amount = D(cents) / 100
        if not spending_problem(amount=amount, category="equipment", paid=paid, spent=spent, budget=budget,
                                spent_in_category=spent):
            spent += amount
        assert D("0") <= spent <= paid and spent <= budget["equipment"]
