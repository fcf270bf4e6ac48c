"""The architecture's figures, read from the source (issue 12, docs/architecture.md).

    python scripts/architecture.py            # print the figures and their targets
    python scripts/architecture.py --check    # also exit 1 when a figure is over its target
    python scripts/architecture.py --src other/src/minsheng   # the figures of another checkout

Each figure counts one way the code can grow a second home for a cross-cutting rule:

- import cycles between apps (the packages under src/minsheng; the demo builder excepted, it uses every app). An
  import counts wherever it stands (inside a function too), relative or absolute, and so does a string naming a
  module inside an app ("minsheng.calls.api", as import_module and include() take it);
- definitions of a permission helper: core.permissions.require, plus every `_require`, `_check`, `_allow`,
  `_check_role`, `_require_view` that asks a permission (has_perm, allowed, PermissionDenied) outside core;
- transition exception types (classes named ...TransitionRefused);
- hand-written DRF permission classes (subclasses of BasePermission; core's ViewPermission is the one);
- reads of the wall clock outside core: `timezone.now()`, `timezone.localdate()`/`localtime()` without an argument,
  `date.today()`, `datetime.now()`/`today()` (core/clock.py is the one reader of time: `clock.now()`,
  `clock.today()`);
- imports of Django or of any app in engines/, the bottom layer of pure computation;
- copies of a shared piece outside core: a definition named WAN, EXPORT_RATE, wan, WanField, too_large,
  record_export, limited or StaleVersion (core.money, core.limits, core.exports, core.concurrency are their
  homes), or a call of django-ratelimit's is_ratelimited or @ratelimit (core.limits.limited counts every limit).

Reads the source with `ast` only, so it runs without Django and in a second.
"""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "minsheng"
PACKAGE = "minsheng"
NOT_APPS = {"demo", "locale", "static", "templates", "__pycache__"}
HELPER_NAMES = {"_require", "_check", "_allow", "_check_role", "_require_view"}
PERMISSION_CALLS = {"has_perm", "allowed", "require"}

# figure -> (label, target)
TARGETS = {
    "cycles": ("app import cycles", 0),
    "helpers": ("permission helper definitions", 1),
    "refusals": ("transition exception types", 1),
    "drf": ("hand-written DRF permission classes", 1),
    "clock": ("clock reads outside core (now, localdate, today)", 0),
    "engines": ("engine imports of Django or an app", 0),
    "copies": ("copies of a shared piece outside core", 0),
}
# The shared pieces that live in core (docs/architecture.md, "Shared pieces"): a definition of one of these names
# outside core is a second home for money, rate limits, exports or optimistic concurrency.
SHARED_NAMES = {"WAN", "EXPORT_RATE", "wan", "WanField", "too_large", "record_export", "limited", "StaleVersion"}
# Rate limits are counted by core.limits only.
SHARED_CALLS = {"is_ratelimited", "ratelimit"}


def _files(src: Path):
    for path in sorted(src.rglob("*.py")):
        relative = path.relative_to(src)
        if "migrations" in relative.parts or "__pycache__" in relative.parts:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


def _app(relative: Path) -> str | None:
    """The app a file belongs to, or None for the project's own modules (settings.py, urls.py) and the demo."""
    if len(relative.parts) < 2 or relative.parts[0] in NOT_APPS:
        return None
    return relative.parts[0]


def _absolute(node: ast.ImportFrom, relative: Path) -> str:
    """The absolute module of `from ... import` (relative imports resolved against the file's package)."""
    if node.level == 0:
        return node.module or ""
    package = [PACKAGE, *relative.parent.parts]
    base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, node.module] if node.module else base)


def _imported_apps(tree: ast.AST, apps: set[str], relative: Path = Path("x.py")) -> set[str]:
    """The apps a file imports, wherever the import stands (module level or inside a function), relative imports
    included, and every string that names a module inside an app ("minsheng.app.module": what import_module,
    include() and Django's dotted settings load), so that no edge hides from the figure."""
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, relative)
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count(".") >= 2 \
                and node.value.startswith(PACKAGE + ".") and node.value.isascii() and " " not in node.value:
            names = [node.value]
        for name in names:
            parts = name.split(".")
            if parts[0] == PACKAGE and len(parts) > 1 and parts[1] in apps:
                found.add(parts[1])
    return found


def import_graph(src: Path) -> dict[str, set[str]]:
    parsed = list(_files(src))
    apps = {app for relative, _tree in parsed if (app := _app(relative))}
    graph = defaultdict(set)
    for relative, tree in parsed:
        app = _app(relative)
        if app is not None:
            graph[app] |= _imported_apps(tree, apps, relative) - {app}
    for app in apps:
        graph.setdefault(app, set())
    return dict(graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan): each is at least one import cycle."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(1000, 10 * len(graph)))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def _asks_permission(function: ast.FunctionDef) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in PERMISSION_CALLS:
                return True
        elif isinstance(node, ast.Name) and node.id == "PermissionDenied":
            return True
    return False


def _reads_clock(call: ast.Call) -> bool:
    """timezone.now(), timezone.localdate() or localtime() without an argument, date.today(), datetime.now(),
    datetime.today(), however the module was imported (datetime.date.today(), dt.datetime.now(), …)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value.attr if isinstance(func.value, ast.Attribute) else getattr(func.value, "id", "")
    if owner == "timezone":
        return func.attr == "now" or (func.attr in {"localdate", "localtime"} and not call.args
                                      and not call.keywords)
    return (owner == "date" and func.attr == "today") or (owner == "datetime" and func.attr in {"now", "today"})


def _defines(node: ast.AST) -> set[str]:
    """The names a function, class or assignment statement defines."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {t.id for t in targets if isinstance(t, ast.Name)}
    return set()


def _called(node: ast.AST) -> str:
    if not isinstance(node, ast.Call):
        return ""
    return getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""


def findings(src: Path) -> dict[str, list[str]]:
    """figure -> the places that count towards it (module:line name)."""
    found = {key: [] for key in TARGETS}
    for relative, tree in _files(src):
        module = relative.with_suffix("").as_posix()
        in_core = relative.parts[0] == "core"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                asks = _asks_permission(node)
                if (module == "core/permissions" and node.name == "require") or (
                        not in_core and node.name in HELPER_NAMES and asks):
                    found["helpers"].append(f"{module}:{node.lineno} {node.name}")
            elif isinstance(node, ast.ClassDef):
                if "TransitionRefused" in node.name:
                    found["refusals"].append(f"{module}:{node.lineno} {node.name}")
                if "BasePermission" in _base_names(node):
                    found["drf"].append(f"{module}:{node.lineno} {node.name}")
            elif isinstance(node, ast.Call) and not in_core and _reads_clock(node):
                found["clock"].append(f"{module}:{node.lineno}")
            if not in_core and _called(node) in SHARED_CALLS:
                found["copies"].append(f"{module}:{node.lineno} {_called(node)}")
        for node in [] if in_core else tree.body:       # a module's own definitions (a local name is no copy)
            for name in sorted(_defines(node) & SHARED_NAMES):
                found["copies"].append(f"{module}:{node.lineno} {name}")
    for relative, tree in _files(src):
        if relative.parts[0] == "engines":
            module = relative.with_suffix("").as_posix()
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [_absolute(node, relative)] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "django" or (parts[0] == PACKAGE and len(parts) > 1 and parts[1] != "engines"):
                        found["engines"].append(f"{module}:{node.lineno} {name}")
    found["cycles"] = [" ↔ ".join(group) for group in cycles(import_graph(src))]
    return found


def figures(src: Path) -> dict[str, int]:
    return {key: len(places) for key, places in findings(src).items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is over its target")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the places behind each figure")
    parser.add_argument("--src", type=Path, default=SOURCE, help="the minsheng package to read")
    options = parser.parse_args(argv)
    found = findings(options.src)
    over = []
    width = max(len(label) for label, _target in TARGETS.values())
    for key, (label, target) in TARGETS.items():
        count = len(found[key])
        mark = "" if count <= target else "  over"
        print(f"{label:<{width}}  {count:>3}  (target {target}){mark}")
        if options.verbose:
            for place in found[key]:
                print(f"    {place}")
        if count > target:
            over.append(label)
    if options.check and over:
        print(f"over target: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
