"""Every user-visible string has a Chinese translation, in the catalogue of the app (or project) it lives in.

Runs the check of scripts/messages.py for each catalogue; it needs GNU gettext (xgettext, msgmerge, msgfmt).
"""

import importlib.util
import shutil
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "messages.py"
_spec = importlib.util.spec_from_file_location("minsheng_messages", SCRIPT)
messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messages)

FOLDERS = messages.catalogue_dirs()


def _name(folder: Path) -> str:
    return "project" if folder == messages.ROOT else folder.name


@pytest.mark.parametrize("folder", FOLDERS, ids=[_name(f) for f in FOLDERS])
def test_catalogue_is_complete_and_compiled(folder):
    missing_tools = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if shutil.which(tool) is None]
    assert not missing_tools, f"install GNU gettext (apt-get install gettext): {missing_tools} not found"
    problems = messages.problems_in(folder)
    assert not problems, (f"{len(problems)} problem(s) in the {_name(folder)} catalogue; "
                          "run `.venv/bin/python scripts/messages.py " + _name(folder) + "`, translate, run it again:\n"
                          + "\n".join(problems))


@pytest.mark.parametrize("folder", FOLDERS, ids=[_name(f) for f in FOLDERS])
def test_translations_are_not_overridden(folder):
    """Django merges all catalogues; an app listed earlier in INSTALLED_APPS (admin, DRF, ...) wins for a msgid
    both translate. A string whose page shows another catalogue's wording needs a context (pgettext)."""
    import polib
    from django.apps import apps
    from django.utils import translation

    path = messages.po_path(folder)
    if folder != messages.ROOT and not apps.is_installed(f"minsheng.{folder.name}"):
        pytest.skip(f"minsheng.{folder.name} is not installed")
    if not path.exists():
        pytest.skip("no catalogue")
    overridden = []
    with translation.override("zh-hans"):
        for entry in polib.pofile(str(path)):
            if entry.msgid_plural or not entry.msgstr or "fuzzy" in entry.flags:
                continue
            shown = (translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                     else translation.gettext(entry.msgid))
            if shown != entry.msgstr:
                overridden.append(f"{entry.msgid!r}: pages show {shown!r}, not {entry.msgstr!r}")
    assert not overridden, "\n".join(overridden)
