"""Extract and compile the translation catalogues: one per app, one for the project's own files.

    python scripts/messages.py                 update every django.po from the source, then compile every .mo
    python scripts/messages.py core project    the same for some catalogues only (app names, "project")
    python scripts/messages.py --check [...]   list what is missing, stale, untranslated or not compiled;
                                               exit 1 if anything is

Source strings are English; the Chinese (zh_Hans) catalogues hold the default interface. Each app keeps
its catalogue in <app>/locale; the project catalogue (src/minsheng/locale) holds the strings of the files
outside the apps: templates/, settings.py, urls.py, api/. Needs GNU gettext (xgettext, msgmerge, msgfmt).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "minsheng"
LOCALE = "zh_Hans"
NOT_SOURCE = {"__pycache__", "static", "locale", "migrations"}


def app_dirs() -> list[Path]:
    return sorted(p for p in ROOT.iterdir() if p.is_dir() and (p / "apps.py").exists())


def catalogue_dirs() -> list[Path]:
    """Every app folder, plus the project folder itself."""
    return [*app_dirs(), ROOT]


def po_path(folder: Path) -> Path:
    return folder / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def _django(args: list[str], cwd: Path) -> None:
    # -P: the folder itself must not shadow modules (core/logging.py would hide the standard library's).
    subprocess.run(
        [sys.executable, "-P", "-m", "django", *args],
        cwd=cwd, check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings"},
        stdout=subprocess.DEVNULL,
    )


def makemessages(folder: Path, project: bool) -> None:
    """Run makemessages in `folder`; for the project folder, leave the apps (they have their own catalogues)."""
    ignores = []
    if project:
        ignores = [f"--ignore={p.name}/*" for p in app_dirs()] + ["--ignore=static/*"]
    (folder / "locale").mkdir(parents=True, exist_ok=True)
    _django(["makemessages", "-l", LOCALE, "--no-obsolete", "--no-wrap", "--add-location=file", *ignores], folder)


def _extract(folder: Path) -> polib.POFile | None:
    """The catalogue the source asks for today, extracted from a scratch copy (the real files are untouched)."""
    apps = {p.name for p in app_dirs()}

    def ignore(directory, names):
        skip = NOT_SOURCE | (apps if folder == ROOT and Path(directory) == folder else set())
        return [name for name in names if name in skip]

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy, ignore=ignore)
        makemessages(copy, project=folder == ROOT)
        fresh = po_path(copy)
        return polib.pofile(str(fresh)) if fresh.exists() else None


def problems_in(folder: Path) -> list[str]:
    """What is wrong with one catalogue: missing or stale msgids, untranslated or fuzzy entries, a stale .mo."""
    name = "project" if folder == ROOT else folder.name
    where = po_path(folder).relative_to(ROOT.parent.parent)
    fresh = _extract(folder)
    wanted = {(e.msgctxt, e.msgid) for e in fresh} if fresh is not None else set()
    if not po_path(folder).exists():
        return [f"{name}: {where} is missing ({len(wanted)} strings to translate)"] if wanted else []
    current = polib.pofile(str(po_path(folder)))
    entries = [e for e in current if not e.obsolete]
    have = {(e.msgctxt, e.msgid) for e in entries}
    found = [f"{name}: not in {where} yet: {msgid!r}" for _c, msgid in sorted(wanted - have, key=str)]
    found += [f"{name}: no longer in the source: {msgid!r}" for _c, msgid in sorted(have - wanted, key=str)]
    for entry in entries:
        if "fuzzy" in entry.flags:
            found.append(f"{name}: fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"{name}: untranslated: {entry.msgid!r}")
    mo = po_path(folder).with_suffix(".mo")
    if not mo.exists():
        found.append(f"{name}: {mo.name} not compiled")
    else:
        compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(mo))}
        written = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in entries
                   if e.translated() and "fuzzy" not in e.flags}
        if any(compiled.get(key) != value for key, value in written.items()):
            found.append(f"{name}: {mo.name} is older than {where.name}: run scripts/messages.py")
    return found


def selected(names: list[str]) -> list[Path]:
    by_name = {("project" if folder == ROOT else folder.name): folder for folder in catalogue_dirs()}
    unknown = sorted(set(names) - set(by_name))
    if unknown:
        raise SystemExit(f"unknown catalogue(s) {unknown}; choose from {sorted(by_name)}")
    return [by_name[name] for name in names] if names else list(by_name.values())


def check(folders: list[Path]) -> int:
    found = [problem for folder in folders for problem in problems_in(folder)]
    for problem in found:
        print(problem)
    return 1 if found else 0


def update(folders: list[Path]) -> int:
    apps = [f"--ignore={p.name}" for p in app_dirs()]
    for folder in folders:
        project = folder == ROOT
        makemessages(folder, project=project)
        path = po_path(folder)
        if not path.exists() or not len(polib.pofile(str(path))):
            shutil.rmtree(folder / "locale", ignore_errors=True)
            continue
        _django(["compilemessages", "-l", LOCALE, "--ignore=static", *(apps if project else [])], folder)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogues", nargs="*", help='app names and/or "project"; default: all')
    parser.add_argument("--check", action="store_true", help="verify the catalogues instead of updating them")
    arguments = parser.parse_args()
    folders = selected(arguments.catalogues)
    sys.exit(check(folders) if arguments.check else update(folders))
