"""Tracking codes: readable, checked, unguessable enough, forgiving of case, spaces and I/O for 1/0."""

import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from minsheng.problems.services import find_by_code, make_tracking_code, normalise_tracking_code
from tests.problems.conftest import report


def test_a_code_has_prefix_year_and_seven_characters_without_i_or_o():
    for seed in range(200):
        code = make_tracking_code(2026, rng=random.Random(seed))
        assert code.startswith("MS-2026-") and len(code) == 15
        assert not set(code[8:]) & {"I", "O"}
        assert normalise_tracking_code(code) == code


def test_codes_from_the_system_random_source_differ():
    assert len({make_tracking_code(2026) for _ in range(500)}) == 500


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=8, max_value=14),
       st.sampled_from("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))
def test_any_single_changed_character_is_caught(seed, position, replacement):
    code = make_tracking_code(2026, rng=random.Random(seed))
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1:]
    with pytest.raises(ValidationError) as caught:
        normalise_tracking_code(typo)
    assert caught.value.code == "checksum"


def test_lower_case_spaces_missing_dashes_and_letter_o_are_accepted():
    code = make_tracking_code(2026, rng=random.Random(3))
    typed = " " + code.lower().replace("-", " ").replace("0", "o").replace("1", "i") + " "
    assert normalise_tracking_code(typed) == code
    assert normalise_tracking_code(code.replace("-", "")) == code


@pytest.mark.parametrize("typed", ["", "MS-2026", "MS-2026-ABC", "MS-20X6-ABCDEFG", "问题-2026-ABCDEFG",
                                   "MS-2026-ABCDEFGH", "x" * 40])
def test_malformed_codes_say_so(typed):
    with pytest.raises(ValidationError) as caught:
        normalise_tracking_code(typed)
    assert caught.value.code == "format"


@pytest.mark.django_db
def test_find_by_code_tells_unknown_from_mistyped():
    problem = report()
    assert find_by_code(problem.tracking_code.lower()) == problem
    unknown = make_tracking_code(2026, rng=random.Random(99))
    with pytest.raises(ValidationError) as caught:
        find_by_code(unknown)
    assert caught.value.code == "unknown"
