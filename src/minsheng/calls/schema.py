"""Rule parameters against the template's JSON Schema (the subset calls use): integer and number with
minimum/maximum, string with enum, array of enum strings, boolean; `required` lists the mandatory ones.

`validate()` is the one place that decides whether parameters are acceptable: the edit page, the API and the
demo data all go through it. Each property may carry `title` (or `title_zh`/`title_en`) and `x-labels`
(enum value -> label) for the edit page.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def properties(schema: dict) -> dict[str, dict]:
    return dict((schema or {}).get("properties") or {})


def required(schema: dict) -> set[str]:
    return set((schema or {}).get("required") or [])


def title(name: str, prop: dict) -> str:
    english = (get_language() or "").startswith("en")
    return (prop.get("title_en") if english else prop.get("title_zh")) or prop.get("title") or name


def enum_of(prop: dict) -> list:
    if prop.get("type") == "array":
        return list((prop.get("items") or {}).get("enum") or [])
    return list(prop.get("enum") or [])


def label(prop: dict, value) -> str:
    labels = prop.get("x-labels") or {}
    if value in labels:
        return str(labels[value])
    from minsheng.registry.models import Organisation  # organisation types are the commonest enum

    return str(dict(Organisation.Kind.choices).get(value, value))


def _number(value, integer: bool):
    if isinstance(value, bool):
        raise ValueError
    if integer:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
        if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
            raise ValueError
        return int(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return int(number) if number == number.to_integral_value() else float(number)


def _check(name: str, prop: dict, value) -> tuple[object, str | None]:
    kind = prop.get("type")
    shown = title(name, prop)
    if kind in ("integer", "number"):
        try:
            value = _number(value, kind == "integer")
        except (TypeError, ValueError):
            message = _("%(field)s must be a whole number.") if kind == "integer" else _("%(field)s must be a number.")
            return value, message % {"field": shown}
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None and value < low:
            return value, _("%(field)s must be at least %(min)s.") % {"field": shown, "min": low}
        if high is not None and value > high:
            return value, _("%(field)s must be at most %(max)s.") % {"field": shown, "max": high}
        return value, None
    if kind == "boolean":
        if not isinstance(value, bool):
            return value, _("%(field)s must be yes or no.") % {"field": shown}
        return value, None
    if kind == "array":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return value, _("%(field)s must be a list of choices.") % {"field": shown}
        allowed = enum_of(prop)
        unknown = [v for v in value if allowed and v not in allowed]
        if unknown:
            return value, _("%(field)s: %(values)s is not one of the choices.") % {
                "field": shown, "values": "、".join(unknown)}
        low = prop.get("minItems")
        if low and len(value) < low:
            return value, _("%(field)s: choose at least %(min)s.") % {"field": shown, "min": low}
        return list(dict.fromkeys(value)), None
    if kind == "string":
        if not isinstance(value, str):
            return value, _("%(field)s must be text.") % {"field": shown}
        allowed = enum_of(prop)
        if allowed and value not in allowed:
            return value, _("%(field)s: “%(value)s” is not one of the choices.") % {"field": shown, "value": value}
        return value, None
    return value, _("%(field)s has a type this page cannot set (%(type)s).") % {"field": shown, "type": kind}


def _missing(value) -> bool:
    return value is None or value == "" or value == []


def validate(schema: dict, params: dict) -> tuple[dict, dict[str, str]]:
    """(the cleaned parameters, {parameter name: message}) for the parameters of one rule.

    Missing optional parameters take the schema's default when it has one; unknown names are errors.
    """
    props = properties(schema)
    params = dict(params or {})
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name in sorted(set(params) - set(props)):
        errors[name] = _("“%(name)s” is not a parameter of this rule.") % {"name": name}
    for name, prop in props.items():
        value = params.get(name)
        if _missing(value) and prop.get("type") != "boolean":
            if "default" in prop:
                cleaned[name] = prop["default"]
            elif name in required(schema):
                errors[name] = _("%(field)s is required.") % {"field": title(name, prop)}
            continue
        if value is None and prop.get("type") == "boolean":
            value = prop.get("default", False)
        value, message = _check(name, prop, value)
        if message:
            errors[name] = message
        else:
            cleaned[name] = value
    return cleaned, errors
