"""IP numbers: cleaned to one canonical form so that (kind, number) is unique however it was typed. No Django.

Chinese patents (CNIPA application numbers, which the patent number repeats after "ZL"): since October 2003,
12 digits (year, type, 7-digit serial) and a check character; from 1985 to 2003, 8 digits (2-digit year, type,
5-digit serial) and a check character. The check character is Σ digitᵢ·wᵢ mod 11 with weights 2…9, 2…5
(10 is written X); verified against the published application number 201080063196.9. The type digit says
the kind: 1 or 8 invention, 2 or 9 utility model, 3 design (8 and 9: PCT applications entering China).
Stored without the ZL/CN prefix: `202310123456.7`.

Software copyrights: the registration number, e.g. 2023SR0123456. Standards: the standard's code, e.g.
GB/T 12345-2023, T/SZAS 12-2023, DB4403/T 100-2020. Other kinds: any number, with spaces tidied.
"""

import datetime
import re

from minsheng.core import clock

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
PATENT_TYPES = {"invention_patent": "18", "utility_model": "29", "design": "3"}
FIRST_PATENT_YEAR = 1985
_SOFTWARE = re.compile(r"^(19|20)\d{2}SR\d{6,7}$")
_STANDARD = re.compile(r"^[A-Z][A-Z0-9]*(/[A-Z]+)? ?\d+(\.\d+)*(-(19|20)\d{2})?$")


class NumberError(ValueError):
    """What is wrong with a number, as a code the caller turns into a message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def patent_check_character(digits: str) -> str:
    return "0123456789X"[sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=False)) % 11]


def clean_patent_number(value: str, kind: str, *, today: datetime.date | None = None) -> str:
    text = re.sub(r"[\s.]", "", str(value or "")).upper()
    if text[:2] in {"ZL", "CN"}:
        text = text[2:]
    if len(text) not in {9, 13} or not text[:-1].isdigit() or text[-1] not in "0123456789X":
        raise NumberError("patent_format")
    digits, check = text[:-1], text[-1]
    if len(digits) == 12:
        year, type_digit = int(digits[:4]), digits[4]
        if not 2003 <= year <= (today or clock.today()).year:
            raise NumberError("patent_year", year=year)
    else:
        short = int(digits[:2])
        year, type_digit = (1900 + short if short >= 85 else 2000 + short), digits[2]
        if not FIRST_PATENT_YEAR <= year <= 2003:
            raise NumberError("patent_year", year=year)
    if type_digit not in PATENT_TYPES[kind]:
        raise NumberError("patent_type", type_digit=type_digit)
    if patent_check_character(digits) != check:
        raise NumberError("patent_check")
    return f"{digits}.{check}"


def patent_year(number: str) -> int:
    """The application year of a cleaned patent number."""
    digits = number.split(".")[0]
    if len(digits) == 12:
        return int(digits[:4])
    short = int(digits[:2])
    return 1900 + short if short >= 85 else 2000 + short


def clean_number(value: str, kind: str) -> str:
    """The canonical form of a number of this kind; NumberError when it cannot be one."""
    if kind in PATENT_TYPES:
        return clean_patent_number(value, kind)
    text = " ".join(str(value or "").split())
    if kind == "software_copyright":
        text = text.replace(" ", "").upper()
        if not _SOFTWARE.match(text):
            raise NumberError("software_format")
    elif kind == "standard":
        text = text.upper()
        if not _STANDARD.match(text):
            raise NumberError("standard_format")
    if not text:
        raise NumberError("empty")
    return text
