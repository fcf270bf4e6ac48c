"""Extract and compile the translation catalogues: one per app, one for the project's own templates.

    python scripts/messages.py           update every django.po from the source, then compile .mo
    python scripts/messages.py --check   fail if a catalogue lacks a msgid the source has, or a translation

Source strings are English; the Chinese (zh_Hans) catalogues hold the default interface.
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


def catalogue_dirs() -> list[Path]:
    """Every app folder with templates or Python code, plus the project folder itself."""
    apps = sorted(p for p in ROOT.iterdir() if p.is_dir() and (p / "apps.py").exists())
    return [*apps, ROOT]


def makemessages(folder: Path, locale_dir: Path) -> None:
    ignores = []
    if folder == ROOT:
        ignores = [f"--ignore={p.name}/*" for p in ROOT.iterdir() if p.is_dir() and (p / "apps.py").exists()]
        ignores += ["--ignore=static/*"]
    locale_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "makemessages", "-l", LOCALE, "--no-obsolete", "--no-wrap",
         "--add-location=file", *ignores],
        cwd=folder, check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings"},
        stdout=subprocess.DEVNULL,
    )


def check() -> int:
    problems = []
    for folder in catalogue_dirs():
        po_path = folder / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / folder.name
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
            if folder == ROOT:
                for app in catalogue_dirs()[:-1]:
                    shutil.rmtree(copy / app.name, ignore_errors=True)
            makemessages(copy, copy / "locale")
            fresh = polib.pofile(str(copy / "locale" / LOCALE / "LC_MESSAGES" / "django.po"))
        wanted = {(e.msgctxt, e.msgid) for e in fresh}
        if not wanted:
            continue
        if not po_path.exists():
            problems.append(f"{po_path.relative_to(ROOT.parent.parent)}: missing ({len(wanted)} strings)")
            continue
        current = polib.pofile(str(po_path))
        have = {(e.msgctxt, e.msgid) for e in current if not e.obsolete}
        for _ctxt, msgid in sorted(wanted - have, key=str):
            problems.append(f"{po_path.name} in {folder.name}: not extracted yet: {msgid!r}")
        for entry in current:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags or not entry.translated():
                problems.append(f"{folder.name}: untranslated: {entry.msgid!r}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def update() -> int:
    for folder in catalogue_dirs():
        makemessages(folder, folder / "locale")
        po_path = folder / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
        if po_path.exists() and not len(polib.pofile(str(po_path))):
            shutil.rmtree(folder / "locale")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "compilemessages", "-l", LOCALE],
        cwd=ROOT, check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings"},
        stdout=subprocess.DEVNULL,
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    sys.exit(check() if parser.parse_args().check else update())
