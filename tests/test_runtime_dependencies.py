"""Everything under src/ imports with the runtime dependencies alone.

`make test` installs the development extras, so an import of a development tool would pass every other test and
then fail a newcomer's `make run`. This reads every import under src/ and checks that the distributions which
provide it are among the runtime dependencies of pyproject.toml or what they require in turn. CI's newcomer stage
(scripts/newcomer.py) also imports every module in an environment that has the runtime dependencies only.
"""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _distribution_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def runtime_distributions() -> set[str]:
    """The runtime dependencies and, recursively, what they require without extras."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    found, pending = set(), [_distribution_name(r) for r in declared]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        pending += [_distribution_name(r) for r in requirements if not re.search(r"extra\s*==", r)]
    return found


def imported_top_level_modules() -> dict[str, Path]:
    """Each absolute import's top-level module under src/, with the first file that imports it."""
    modules: dict[str, Path] = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name.split(".")[0], path.relative_to(ROOT))
    return modules


def test_every_import_under_src_is_provided_by_a_runtime_dependency():
    runtime = runtime_distributions()
    providers = metadata.packages_distributions()
    missing = {
        module: path for module, path in imported_top_level_modules().items()
        if module not in sys.stdlib_module_names and module != "minsheng"
        and not {d.lower().replace("_", "-") for d in providers.get(module, [])} & runtime
    }
    assert not missing, "imported under src/ but not provided by pyproject's runtime dependencies: " + ", ".join(
        f"{module} ({path})" for module, path in sorted(missing.items()))


def test_the_check_sees_a_development_tool():
    """The check above would catch an import of pytest (development extra only), so it can fail."""
    providers = metadata.packages_distributions()
    assert not {d.lower() for d in providers["pytest"]} & runtime_distributions()
