"""Imports every module of the `minsheng` package and exits 1 naming each one that fails.

Run with the interpreter of an environment that has the runtime dependencies only (what `make run` installs):
a module that imports a development tool fails here, as it would for a newcomer.
Usage: .venv/bin/python scripts/import_all.py
"""

import importlib
import os
import pkgutil
import sys
import traceback


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    import minsheng

    names = sorted(info.name for info in pkgutil.walk_packages(minsheng.__path__, prefix="minsheng."))
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # every failure is reported, none stops the walk
            failures[name] = "".join(traceback.format_exception_only(error)).strip()
    for name, error in failures.items():
        print(f"{name}: {error}", file=sys.stderr)
    print(f"imported {len(names) - len(failures)} of {len(names)} modules with {sys.executable}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
