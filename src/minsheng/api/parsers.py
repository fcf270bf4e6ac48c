"""The API's parsers: DRF's, with the platform's input rule (core/strict_input.py) applied to every body.

DRF's JSON parser lets a RecursionError (JSON nested a thousand levels) and an infinite float through as a 500
or an unreadable value, and hands lone surrogates and NUL characters to fields that do not all check them (a
section's `data` is a free dict). Here every key, string and number of a body is checked before a view sees it;
a refused body answers 400 with `detail`, `code` and the `field` path (api/errors.py adds the request id).
"""

import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from minsheng.core import strict_input


def _refused(problem: strict_input.Problem) -> ParseError:
    return ParseError({"detail": problem.text(), "code": problem.code, "field": problem.field}, code=problem.code)


def _constant(name: str):
    # NaN, Infinity and -Infinity are not JSON; Python's parser takes them unless told otherwise.
    raise strict_input.Refused(strict_input.too_large())


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=_constant)
        except RecursionError:
            raise _refused(strict_input.too_deep()) from None
        except strict_input.Refused as refused:
            raise _refused(refused.problem) from None
        except ValueError as exc:  # bad JSON, bad encoding, an integer of more than 4,300 digits
            raise ParseError(f"JSON parse error - {exc}") from None
        problem = strict_input.structure_problem(data)
        if problem:
            raise _refused(problem)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        problem = strict_input.values_problem(data)
        if problem:
            raise _refused(problem)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        problem = strict_input.values_problem(result.data)
        if problem:
            raise _refused(problem)
        return result
