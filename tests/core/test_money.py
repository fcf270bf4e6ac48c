"""core/money.py: 万元 typed, 元 stored exactly, one formatter; what a 万元 field refuses and how it says so."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from minsheng.core import money
from minsheng.core.money import WanField, in_wan, parse_wan, too_large, wan


@pytest.mark.parametrize(("typed", "yuan"), [
    ("0.5", Decimal("5000.00")), ("12", Decimal("120000.00")), (".5", Decimal("5000.00")), (" 7 ", Decimal("70000.00")),
    ("12.34", Decimal("123400.00")), ("1.123456", Decimal("11234.56")), ("0", Decimal("0.00")),
    ("1e3", Decimal("10000000.00")),
    ("99999999.999999", Decimal("999999999999.99")),
])
def test_typed_wan_become_exact_yuan(typed, yuan):
    amount = parse_wan(typed)
    assert amount == yuan and amount.as_tuple().exponent == -2


@pytest.mark.parametrize(("typed", "code", "said"), [
    ("1,000", "separator", "1000"),
    ("１２", "digits", "12"),                        # full-width: Python alone would read it as 12
    ("٣", "digits", "3"),
    ("-3", "negative", "负数"),
    ("1.1234567", "places", "0.01 元"),               # a fraction of a cent cannot be stored
    ("100000000", "too_large", "1 万亿元"),            # 10^12 元: more than a MONEY column holds
    ("1e999999", "too_large", "1 万亿元"),
    ("abc", "invalid", "输入一个数字"),                  # Django's words, as every number field says it
    ("NaN", "invalid", "输入一个数字"),
])
def test_what_a_wan_field_cannot_store_is_refused_with_what_to_type(typed, code, said):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        parse_wan(typed)
    assert refused.value.code == code and said in refused.value.messages[0]


def test_the_decimals_a_field_takes_are_said_in_yuan():
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="精确到 100 元"):
        parse_wan("1.234", places=2)
    with translation.override("en"), pytest.raises(ValidationError, match="at most 4, which is 1 元"):
        parse_wan("1.23456", places=4)
    assert parse_wan("1.23", places=2) == Decimal("12300.00")


class _Form(forms.Form):
    amount = WanField(label="金额（万元）")
    envelope = WanField(label="预算（万元）", decimal_places=2, required=True)


def test_the_field_cleans_to_yuan_and_refuses_with_the_messages():
    form = _Form({"amount": "0.5", "envelope": "1000"})
    assert form.is_valid() and form.cleaned_data == {"amount": Decimal("5000.00"), "envelope": Decimal("10000000.00")}
    assert _Form({"amount": "", "envelope": "1"}).is_valid()            # the amount is optional, the envelope not
    with translation.override("zh-hans"):
        form = _Form({"amount": "-1", "envelope": "1.234"})
        assert not form.is_valid()
        assert "负数" in form.errors["amount"][0] and "100 元" in form.errors["envelope"][0]
    assert 'step="0.0001"' in str(form["amount"]) and 'step="0.01"' in str(form["envelope"])


def test_one_formatter_two_styles():
    assert wan(Decimal("1234567.89")) == "123.46"                 # pages, PDFs, history: 2 decimals, separators
    assert wan(Decimal("12345678")) == "1,234.57"
    assert wan(Decimal("12345678"), exact=True) == "1234.5678"    # as typed: exact, no separator, no zeros
    assert wan(Decimal("1.23"), exact=True) == "0.000123"
    assert wan(Decimal("120000"), exact=True) == "12" and wan(0, exact=True) == "0"
    assert wan(Decimal("-12500"), exact=True) == "-1.25"
    assert wan(Decimal("500000"), unit=True) == "50.00 万元"
    assert wan(None) == "" and wan("") == "" and wan("not money") == "not money"
    # What `exact` writes, a 万元 field reads back to the same 元.
    for yuan in (Decimal("1.23"), Decimal("120000"), Decimal("999999999999.99")):
        assert parse_wan(wan(yuan, exact=True)) == yuan


def test_numbers_for_spreadsheets_and_the_conversion_back():
    assert in_wan(Decimal("12345678.00")) == Decimal("1234.5678") and in_wan(Decimal("10000000")) == Decimal("1000")
    assert str(in_wan(Decimal("10000000"))) == "1000" and in_wan(None) is None
    assert money.to_yuan("0.5") == Decimal("5000.00")


def test_too_large_proposes_the_figure_meant():
    with translation.override("zh-hans"):
        message = too_large(Decimal("50000000000"), Decimal("10000000"))
    assert "5000000 万元" in message and "1000 万元" in message and "500 万元" in message
    assert too_large(Decimal("10000000"), Decimal("10000000")) is None
