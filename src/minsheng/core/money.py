"""Money: typed in 万元, stored in 元, shown in 万元. The one home of the conversion, the input rule and the format.

- Stored: Decimal 元 with 2 places (a MONEY column: 14 digits, so less than 10^12 元, which is 1 万亿元).
- Typed: 万元, because officers and applicants think in 万元. `parse_wan` turns what was typed into 元 exactly
  (Decimal arithmetic, never float) and refuses, with a message that says what to type instead: what is not a
  number; digits outside 0–9 (Python would read a full-width "１２" as 12); a negative amount; more decimals than
  the field takes (at most 6, which is 0.01 元); an amount no column can hold. `WanField` is the form field that
  does this, and `too_large` the check for 元 typed where 万元 is asked (an amount above the call's envelope).
- Shown: `wan(yuan)`, the one formatter. Two styles, each kept where tests and readers rely on it:
  tables, pages, PDFs and the audit history show "1,234.50" (thousands separated, 2 decimals); `exact=True`
  gives the figure as one types it into a 万元 field, "1234.5" (no separator, no trailing zeros, exact to the
  cent), for sentences that ask the reader to type a figure again and for a form's initial value.
  A spreadsheet gets numbers, not text: `in_wan(yuan)` is the amount in 万元 as a Decimal.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minsheng.core.strict_input import in_digits

WAN = Decimal(10000)
CENT = Decimal("0.01")
# What a MONEY column holds (max_digits=14, decimal_places=2): less than 10^12 元, which is 10^8 万元.
LARGEST_YUAN = Decimal("999999999999.99")
MOST_PLACES = 6  # 万元 with 6 decimals is 0.01 元: a finer amount cannot be stored
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def to_yuan(amount_wan) -> Decimal:
    """An amount in 万元 (Decimal, int or text in 0–9) as 元, rounded to the cent."""
    return (Decimal(amount_wan) * WAN).quantize(CENT)


def in_wan(amount_yuan) -> Decimal | None:
    """An amount of 元 in 万元, exactly, as a number (for spreadsheets, charts and numeric form values)."""
    if amount_yuan is None or amount_yuan == "":
        return None
    value = (Decimal(str(amount_yuan)) / WAN).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def wan(amount_yuan, *, exact: bool = False, unit: bool = False) -> str:
    """An amount of 元 shown in 万元: "1,234.50" (or "1234.5" with `exact`), followed by " 万元" with `unit`.

    Nothing (None, "") shows as nothing; a value that is not a number shows as written (the audit history
    reads values recorded long ago, and showing them must not fail)."""
    if amount_yuan is None or amount_yuan == "":
        return ""
    try:
        amount = Decimal(str(amount_yuan)) / WAN
    except (InvalidOperation, ValueError):
        return str(amount_yuan)
    if exact:
        text = f"{amount.quantize(Decimal(1).scaleb(-MOST_PLACES)):f}".rstrip("0").rstrip(".")
        text = "0" if text in {"", "-0"} else text
    else:
        text = f"{amount:,.2f}"
    return f"{text} 万元" if unit else text


def _step(places: int) -> str:
    """The smallest amount `places` decimals of 万元 can say, in 元 ("1 元", "0.01 元", "100 元")."""
    return f"{(WAN.scaleb(-places)).normalize():f} 元"


def parse_wan(text, *, places: int = MOST_PLACES) -> Decimal:
    """What was typed in a 万元 field, as 元 (Decimal, 2 places), or a ValidationError saying what to type.

    Accepts "12", "0.5", ".5", "12.3456", surrounding spaces; refuses "1,000" (a separator, which a 万元 field
    never needs), "１２" (digits outside 0–9), "-3", more than `places` decimals, and more than a column holds."""
    raw = str(text).strip()
    if raw and not raw.isascii():
        plain = in_digits(raw)
        if plain != raw and _NUMBER.match(plain):
            raise ValidationError(
                _("“%(value)s” is written with digits outside 0–9. Type the amount in 万元 with the digits 0–9: "
                  "%(plain)s.") % {"value": raw, "plain": plain}, code="digits")
    if not _NUMBER.match(raw):
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", raw):
            raise ValidationError(
                _("Type the amount in 万元 without separators: %(plain)s, not %(value)s.")
                % {"plain": raw.replace(",", ""), "value": raw}, code="separator")
        raise ValidationError(forms.DecimalField.default_error_messages["invalid"], code="invalid")  # Django's own
    amount = Decimal(raw)
    if amount < 0:
        raise ValidationError(_("An amount cannot be negative: type it in 万元 without the minus sign, or 0."),
                              code="negative")
    decimals = -amount.as_tuple().exponent if amount.as_tuple().exponent < 0 else 0
    if decimals > places:
        raise ValidationError(
            _("%(value)s 万元 has more decimals than the field takes: at most %(places)s, which is %(step)s.")
            % {"value": raw, "places": places, "step": _step(places)}, code="places")
    if amount > LARGEST_YUAN / WAN:
        raise ValidationError(
            _("%(value)s 万元 is more than any amount on the platform can be (under 100,000,000 万元, which is "
              "1 万亿元). Amounts are typed in 万元, not 元.") % {"value": raw}, code="too_large")
    return (amount * WAN).quantize(CENT)


class WanField(forms.DecimalField):
    """An amount typed in 万元; cleaned to 元 (Decimal, 2 places) by `parse_wan`.

    `decimal_places` is how many decimals of 万元 the field takes (4 by default: whole 元); `min_value` and
    `max_value` are in 万元, as typed."""

    def __init__(self, *, decimal_places: int = 4, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("required", False)
        super().__init__(max_digits=None, decimal_places=decimal_places, **kwargs)
        self.widget.attrs.update({"step": f"{Decimal(1).scaleb(-decimal_places):f}", "inputmode": "decimal"})

    def prepare_value(self, value):
        return value

    def to_python(self, value):
        """The amount in 万元 as typed (the validators read it so); parse_wan has refused what cannot be stored."""
        if value in self.empty_values:
            return None
        parse_wan(value, places=self.decimal_places)
        return Decimal(str(value).strip())

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else to_yuan(amount)


def too_large(amount_yuan: Decimal, envelope_yuan: Decimal):
    """The message for an amount above the call's whole envelope: most likely 元 typed in a 万元 field."""
    if envelope_yuan and amount_yuan > envelope_yuan:
        return _(
            "%(amount)s 万元 is more than the call's whole budget envelope of %(envelope)s 万元. Amounts are "
            "entered in 万元 (10,000 yuan): did you type yuan? %(amount)s yuan would be %(meant)s 万元.") % {
            "amount": wan(amount_yuan, exact=True), "envelope": wan(envelope_yuan, exact=True),
            "meant": wan(amount_yuan / WAN, exact=True)}
    return None
