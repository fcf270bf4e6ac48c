"""Every action code the platform can write has a label in core/vocabulary.py.

The codes are read from the source itself: every `audit.record(action=...)`, with literal codes, codes built by an
f-string from literals (`"accept" if accept else "decline"`), codes passed through a module's own wrapper
(`_record("plan.create", ...)` → `funding.plan.create`), and the generic `<app>.<model>.<verb>` of core's audited
writes and the admin. A code built from something else must be listed in DYNAMIC with the table it comes from, so
a new kind of code cannot slip past this test.
"""

import ast
import itertools
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from minsheng.applications.sections import SECTIONS
from minsheng.calls.states import CALL_TRANSITIONS
from minsheng.core import vocabulary, workflow

SOURCE = Path(vocabulary.__file__).resolve().parent.parent
REGISTRY_EXPORTS = ["organisation", "person", "innovationcarrier", "serviceinstitution", "sharedfacility",
                    "cooperationpartner"]

# f-string codes whose variable part comes from a table in the code: (file, code with {} for each part) → codes.
DYNAMIC = {
    ("calls/services.py", "calls.call.{}"): {f"calls.call.{verb}" for _permission, verb in CALL_TRANSITIONS.values()},
    ("review/reviewing.py", "review.review.{}"): {"review.review.create", "review.review.update"},
    ("applications/services.py", "applications.application.section.{}"):
        {f"applications.application.section.{section.key}" for section in SECTIONS},
    ("registry/services.py", "registry.{}.export"): {f"registry.{name}.export" for name in REGISTRY_EXPORTS},
}
# `<app>.<model>.<verb>` from an instance's own model (the audited admin); core.services and policy/admin.py build
# theirs with `_action(instance, verb)`, whose verbs this test checks.
GENERIC = {("core/admin.py", "{}.{}.{}"), ("core/admin.py", "{}.{}.delete")}
# The transition engine records `<prefix>.<transition>` for every transition of every table in the apps' states.py.
ENGINE = "core/workflow.py"


def _is_record(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "record" and \
        isinstance(func.value, ast.Name) and func.value.id == "audit"


def _action_arg(call: ast.Call, position: int, name: str):
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _expand(node, env: dict) -> set[str] | None:
    """The strings an expression can be, or None when they depend on something other than literals and `env`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _expand(node.body, env), _expand(node.orelse, env)
        return body | orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            part = _expand(value.value if isinstance(value, ast.FormattedValue) else value, env)
            if part is None:
                return None
            parts.append(part)
        return {"".join(p) for p in itertools.product(*parts)}
    return None


def _template(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def _parents(tree):
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child._parent = parent  # an annotation for this walk only


def _function_of(node):
    while node is not None and not isinstance(node, ast.FunctionDef):
        node = getattr(node, "_parent", None)
    return node


def source_codes() -> tuple[set[str], set[str], list[str]]:
    """(codes, generic verbs, unexplained sites) written anywhere under src/minsheng."""
    codes, verbs, unexplained = set(), set(), []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(SOURCE).as_posix()
        tree = ast.parse(path.read_text(), filename=relative)
        _parents(tree)
        wrappers = {}   # function name → (parameter names, action expression)
        sites = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_record(node)):
                continue
            action = _action_arg(node, 0, "action")
            if isinstance(action, ast.Call) and getattr(action.func, "id", "") == "_action":
                argument = _action_arg(action, 1, "verb")
                verb = _expand(argument, {})
                if verb is None and not isinstance(argument, ast.Name):  # a name: update_audited's `verb`
                    unexplained.append(f"{relative}:{node.lineno}")
                verbs |= verb or set()
                continue
            function = _function_of(node)
            params = [a.arg for a in function.args.args + function.args.kwonlyargs] if function else []
            if _expand(action, {}) is None and isinstance(action, ast.JoinedStr) and any(
                    isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and v.value.id in params
                    for v in action.values) and (relative, _template(action)) not in DYNAMIC:
                wrappers[function.name] = (params, action)
            else:
                sites.append((node, action))
        for node in ast.walk(tree):  # calls of this module's wrappers, with their literal arguments
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in wrappers:
                params, action = wrappers[node.func.id]
                env = {}
                for index, param in enumerate(params):
                    argument = _action_arg(node, index, param)
                    if argument is not None and _expand(argument, {}) is not None:
                        env[param] = _expand(argument, {})
                found = _expand(action, env)
                if found is None:
                    unexplained.append(f"{relative}:{node.lineno}")
                codes |= found or set()
        for node, action in sites:
            found = _expand(action, {})
            if found is not None:
                codes |= found
            elif isinstance(action, ast.JoinedStr) and (relative, _template(action)) in DYNAMIC:
                codes |= DYNAMIC[(relative, _template(action))]
            elif isinstance(action, ast.JoinedStr) and (relative, _template(action)) in GENERIC:
                continue
            elif relative == ENGINE:
                codes |= {code for table in workflow.registered() for code in table.actions()}
            else:
                unexplained.append(f"{relative}:{node.lineno}")
    for path in sorted(SOURCE.rglob("*.py")):  # update_audited(..., verb="...") names a generic verb
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("update_audited",):
                verb = _action_arg(node, 99, "verb")
                if verb is not None:
                    verbs |= _expand(verb, {}) or {"<not a literal>"}
    return codes, verbs, unexplained


def test_every_action_code_in_the_source_has_a_label():
    codes, verbs, unexplained = source_codes()
    assert not unexplained, f"action codes that cannot be read from the source; list them in DYNAMIC: {unexplained}"
    assert len(codes) > 100
    with translation.override("zh-hans"):
        missing = sorted(code for code in codes if not vocabulary.action_label(code))
    assert not missing, f"add a label to core/vocabulary.py ACTIONS for: {missing}"
    assert verbs <= set(vocabulary.GENERIC_VERBS), verbs - set(vocabulary.GENERIC_VERBS)


def test_the_scan_sees_codes_written_each_way():
    codes, _verbs, _unexplained = source_codes()
    assert "contracts.tranche.plan" in codes                    # a literal
    assert {"contracts.tranche.pay", "funding.plan.approve", "applications.application.check_pass"} <= codes  # a table
    assert {"registry.organisation.verify", "registry.organisation.reject"} <= codes   # a conditional f-string
    assert {"funding.plan.create", "review.panel.freeze", "calls.problem.accept"} <= codes   # through a wrapper
    assert "applications.application.section.budget" in codes  # from the sections table


@pytest.mark.parametrize(("code", "zh", "en"), [
    ("contracts.tranche.pay", "支付拨款", "Tranche paid"),
    ("registry.organisation.create", "新增单位", "New organisation"),
    ("calls.problem.erase", "删除个人信息：民生需求", "Personal data erased: livelihood problem"),
    ("registry.person.export", "导出人员", "People exported"),
])
def test_labels_in_both_languages(code, zh, en):
    with translation.override("zh-hans"):
        assert vocabulary.action_label(code) == zh
    with translation.override("en"):
        assert vocabulary.action_label(code) == en


def test_an_unknown_code_has_no_label_and_reads_as_itself():
    assert vocabulary.action_label("nosuch.thing.happened") is None
    assert vocabulary.action_label("registry.organisation.frobnicate") is None
    assert vocabulary.action_text("nosuch.thing.happened") == "nosuch.thing.happened"


def test_every_model_can_be_created_changed_deleted_and_exported_by_name():
    with translation.override("zh-hans"):
        for model in apps.get_models():
            for verb in ("create", "update", "delete", "export"):
                label = vocabulary.action_label(f"{model._meta.label_lower}.{verb}")
                assert label and "%" not in label and "." not in label
