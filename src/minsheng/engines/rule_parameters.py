"""A rule template's code and parameters: which codes have a programmed rule, and the parameter schema.

The rules themselves are in minsheng.applications.eligibility, registered here with `@evaluator(code)`; policy's
admin checks a new template's code and schema here, so policy does not import the applications app. Pure Python,
no Django.
"""

import re
from collections.abc import Callable

# rule template code -> `(params, facts) -> Verdict` (minsheng.applications.eligibility fills it in)
EVALUATORS: dict[str, Callable] = {}


def evaluator(code: str):
    def register(fn):
        EVALUATORS[code] = fn
        return fn
    return register


class RuleError(Exception):
    """The rule cannot be evaluated: unknown template code or parameters that do not match its schema."""


# Parameters: a JSON Schema subset (object of integer/number with minimum/maximum, string with enum, array of enum
# strings, boolean). The call edit page builds its fields from the same schema.

def check_params(schema: dict, params: dict) -> dict:
    """`params` with the schema's defaults filled in, or RuleError naming what does not fit."""
    if not isinstance(params, dict):
        raise RuleError("parameters must be an object")
    props = schema.get("properties", {})
    unknown = set(params) - set(props)
    if unknown:
        raise RuleError(f"unknown parameters: {', '.join(sorted(unknown))}")
    out = {}
    for name, spec in props.items():
        if name not in params:
            if "default" in spec:
                out[name] = spec["default"]
            elif name in schema.get("required", []):
                raise RuleError(f"missing parameter: {name}")
            continue
        out[name] = _check_value(name, spec, params[name])
    return out


def check_schema(schema: dict) -> None:
    """RuleError unless the schema stays inside the subset the call edit page and check_params understand."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties", {}), dict):
        raise RuleError("the schema must be an object with properties")
    for name, spec in schema.get("properties", {}).items():
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind not in ("integer", "number", "string", "array", "boolean"):
            raise RuleError(f"{name}: unsupported schema type {kind!r}")
        if kind == "array" and not (spec.get("items") or {}).get("enum"):
            raise RuleError(f"{name}: an array must list its allowed values (items.enum)")
        if "default" in spec:
            _check_value(name, spec, spec["default"])
    unknown = set(schema.get("required", [])) - set(schema.get("properties", {}))
    if unknown:
        raise RuleError(f"required but not defined: {', '.join(sorted(unknown))}")


def _check_value(name, spec, value):
    kind = spec.get("type")
    if kind in ("integer", "number"):
        numeric = isinstance(value, int) and not isinstance(value, bool)
        if kind == "number":
            numeric = numeric or isinstance(value, float)
        if not numeric:
            raise RuleError(f"{name} must be a {kind}")
        if ("minimum" in spec and value < spec["minimum"]) or ("maximum" in spec and value > spec["maximum"]):
            raise RuleError(f"{name} must be between {spec.get('minimum')} and {spec.get('maximum')}")
    elif kind == "string":
        if not isinstance(value, str) or ("enum" in spec and value not in spec["enum"]):
            raise RuleError(f"{name} must be one of {spec.get('enum')}")
        if "pattern" in spec and not re.fullmatch(spec["pattern"], value):
            raise RuleError(f"{name} does not match {spec['pattern']}")
    elif kind == "array":
        allowed = spec.get("items", {}).get("enum")
        if not isinstance(value, list) or any(not isinstance(v, str) or (allowed and v not in allowed)
                                              for v in value):
            raise RuleError(f"{name} must be a list of {allowed}")
        if len(value) < spec.get("minItems", 0):
            raise RuleError(f"{name} needs at least {spec['minItems']} item(s)")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise RuleError(f"{name} must be true or false")
    else:
        raise RuleError(f"{name}: unsupported schema type {kind!r}")
    return value
