"""IP numbers: the Chinese patent check character (verified against a published number), the type digit
against the kind, the year, and one canonical form however the number was typed."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.outcomes.numbers import NumberError, clean_number, patent_check_character, patent_year


def test_a_published_application_number_checks_out():
    # CN 201080063196.9, the application behind the granted patent CN 102822194 B
    assert patent_check_character("201080063196") == "9"
    assert clean_number("201080063196.9", "invention_patent") == "201080063196.9"


@pytest.mark.parametrize("typed", ["ZL201080063196.9", "zl 2010 8006 3196.9", "CN201080063196.9", "2010800631969"])
def test_prefixes_spaces_and_dots_give_one_form(typed):
    assert clean_number(typed, "invention_patent") == "201080063196.9"


def test_a_check_character_of_ten_is_x():
    digits = next(f"2021100{n:05d}" for n in range(100_000) if patent_check_character(f"2021100{n:05d}") == "X")
    assert clean_number(f"ZL{digits}.x", "invention_patent") == f"{digits}.X"


def test_old_eight_digit_numbers():
    digits = "98100001"
    number = clean_number(f"ZL{digits}.{patent_check_character(digits)}", "invention_patent")
    assert number == f"{digits}.{patent_check_character(digits)}" and patent_year(number) == 1998


@pytest.mark.parametrize(("typed", "kind", "code"), [
    ("201080063196.8", "invention_patent", "patent_check"),
    ("20108006319.9", "invention_patent", "patent_format"),
    ("ZL2010A0063196.9", "invention_patent", "patent_format"),
    ("201080063196.9", "utility_model", "patent_type"),
    ("201080063196.9", "design", "patent_type"),
    ("199910012345.1", "invention_patent", "patent_year"),
    ("203010012345.1", "invention_patent", "patent_year"),
    ("2023SR12", "software_copyright", "software_format"),
    ("GB/T", "standard", "standard_format"),
    ("   ", "other", "empty"),
])
def test_bad_numbers_say_what_is_wrong(typed, kind, code):
    with pytest.raises(NumberError) as caught:
        clean_number(typed, kind)
    assert caught.value.code == code


@given(st.integers(min_value=2003, max_value=datetime.date.today().year), st.sampled_from("12389"),
       st.integers(min_value=0, max_value=9_999_999), st.integers(min_value=0, max_value=12),
       st.sampled_from("0123456789"))
def test_any_single_wrong_digit_is_caught(year, type_digit, serial, position, replacement):
    digits = f"{year}{type_digit}{serial:07d}"
    kind = {"1": "invention_patent", "8": "invention_patent", "2": "utility_model", "9": "utility_model",
            "3": "design"}[type_digit]
    number = f"{digits}.{patent_check_character(digits)}"
    assert clean_number(number, kind) == number
    typo = number[:position] + replacement + number[position + 1:]
    if typo != number:
        with pytest.raises(NumberError):
            clean_number(typo, kind)


@pytest.mark.parametrize(("typed", "kind", "clean"), [
    ("2023sr0123456", "software_copyright", "2023SR0123456"),
    ("gb/t  12345-2023", "standard", "GB/T 12345-2023"),
    ("T/SZAS 12-2023", "standard", "T/SZAS 12-2023"),
    ("DB4403/T 100-2020", "standard", "DB4403/T 100-2020"),
    ("  品种权  CNA20191234.5 ", "plant_variety", "品种权 CNA20191234.5"),
])
def test_other_kinds(typed, kind, clean):
    assert clean_number(typed, kind) == clean
