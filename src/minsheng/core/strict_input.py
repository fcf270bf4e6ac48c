"""What the platform reads from anyone, checked once before any view: the one rule for hostile or clumsy input.

Refused, with a 400 and a message in the user's language (docs/decisions.md, "Input the platform refuses"):

- JSON nested more than MAX_DEPTH levels (no request needs more than five; Python's parser fails at about a
  thousand with a RecursionError), and JSON numbers no column can hold (beyond 64-bit integers, or infinite);
- a NUL character anywhere (PostgreSQL text cannot hold it; no person types it);
- a lone surrogate (U+D800–U+DFFF): JSON can escape one ("\\ud800") but it is not a character and no database
  encodes it. Form posts and query strings cannot carry one: Django decodes them with replacement characters;
- a number or date written with digits outside 0–9 (full-width "１２", Arabic-Indic "١٢"): Python reads them as
  numbers, so "٣" in a budget became 3 万元. A value reads as a number when it holds only digits, signs,
  separators and spaces; free text that merely contains such digits ("第３期") is left as written. The message
  proposes the figure in 0–9, as the 万元 fields propose the figure meant when 元 were typed.

Two places enforce it: the API's parsers (api/parsers.py) for JSON and form bodies sent to DRF, and
StrictInputMiddleware for query strings, paths and the pages' form posts.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAX_DEPTH = 32
# JSON integers beyond what a 64-bit column holds are refused before any field or query sees them.
LARGEST_INTEGER = 2**63 - 1

# Digits (any script), signs, decimal and thousands separators (half- and full-width), date and time separators,
# percent signs and spaces: what a number, an amount, a date or a time is written with.
_NUMBERISH = re.compile(r"[\d\s+\-−－.,，。．:：/／%％eE]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUL = _("The text holds a NUL character (\\0), which no field accepts. Remove it and send again.")


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str = ""

    def text(self) -> str:
        return f"{self.field}: {self.message}" if self.field else str(self.message)


class Refused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.text())
        self.problem = problem


def in_digits(value: str) -> str:
    """The value with every decimal digit written 0–9 and full-width punctuation made half-width."""
    return unicodedata.normalize("NFKC", "".join(
        str(unicodedata.decimal(char)) if not char.isascii() and unicodedata.decimal(char, None) is not None
        else char for char in value))


def _secret(name: str) -> bool:
    # A password is not a number whatever it is made of, and a refusal must not repeat it on the page.
    return "password" in name.lower()


def text_problem(value: str, field: str = "", *, numbers: bool = True) -> Problem | None:
    """What is wrong with one piece of text, or None; `numbers=False` skips the digits rule."""
    if "\x00" in value:
        return Problem("nul_character", _NUL, field)
    if value.isascii():  # nothing else to find: the usual case, and the cheapest
        return None
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return Problem("lone_surrogate", _("The text holds a lone surrogate (U+%(code)04X), which is not a character. "
                                           "Send the text as valid Unicode (UTF-8).") % {
            "code": ord(surrogate.group())}, field)
    if numbers and _NUMBERISH.fullmatch(value) and any(not char.isascii() and char.isdecimal() for char in value):
        shown = value.strip()
        return Problem("foreign_digits", _("Write numbers and dates with the digits 0–9: “%(value)s” should be "
                                           "“%(digits)s”.") % {"value": shown, "digits": in_digits(shown)}, field)
    return None


def too_deep(field: str = "") -> Problem:
    return Problem("too_deep", _("The JSON is nested more than %(limit)d levels deep; no request needs that many.")
                   % {"limit": MAX_DEPTH}, field)


def too_large(field: str = "") -> Problem:
    return Problem("number_too_large", _("A number in the request is too large to be stored."), field)


def _joined(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def structure_problem(value, path: str = "", depth: int = 1) -> Problem | None:
    """The first problem in parsed JSON (its keys, strings and numbers, at any depth), or None."""
    if depth > MAX_DEPTH:
        return too_deep(path)
    if isinstance(value, str):
        return text_problem(value, path, numbers=not _secret(path))
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return too_large(path) if abs(value) > LARGEST_INTEGER else None
    if isinstance(value, float):
        return too_large(path) if value != value or value in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = text_problem(key, _joined(path, "(key)")) or structure_problem(item, _joined(path, key),
                                                                                     depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problem = structure_problem(item, _joined(path, index), depth + 1)
            if problem:
                return problem
    return None


def values_problem(data) -> Problem | None:
    """The first problem among a QueryDict's names and values (a query string or a form post), or None."""
    for name, values in data.lists():
        problem = text_problem(name, "(name)")
        if problem:
            return problem
        for value in values:
            problem = text_problem(value, name, numbers=not _secret(name)) if isinstance(value, str) else None
            if problem:
                return problem
    return None
