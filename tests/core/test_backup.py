"""Backups and the restore drill: a backup restores into a fresh database with every row, file and audit hash."""

import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from minsheng.core import backup
from minsheng.core.services import create_audited
from minsheng.registry.models import Organisation
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "up")}}}
    storages["default"].save("applications/2026/11/guide.pdf", ContentFile(b"%PDF-1.7 test"))
    return tmp_path / "up"


@pytest.fixture
def world():
    organisation = OrganisationFactory(name_zh="深圳市备份测试科技有限公司")
    PersonFactory.create_batch(3, organisation=organisation)
    create_audited(Organisation(credit_code=OrganisationFactory.build().credit_code, name_zh="审计链测试单位",
                                kind="enterprise", district=organisation.district), by=None, reason="test")
    return organisation


def _archive(path):
    with tarfile.open(path, "r:gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
        data = json.load(archive.extractfile("data.json"))
    return names, manifest, data


def test_a_backup_holds_every_row_the_uploads_and_a_manifest(world, uploads, tmp_path):
    path = backup.create(tmp_path / "backups")
    names, manifest, data = _archive(path)
    assert {"manifest.json", "data.json", "uploads/applications/2026/11/guide.pdf"} <= set(names)
    assert manifest["models"]["registry.organisation"]["rows"] == Organisation.objects.count()
    assert manifest["models"]["core.auditevent"]["rows"] >= 1
    assert sum(1 for row in data if row["model"] == "registry.person") == manifest["models"]["registry.person"]["rows"]
    assert not list((tmp_path / "backups").glob("*.partial"))
    # Microseconds survive (the audit chain hashes them).
    event = next(row for row in data if row["model"] == "core.auditevent")
    assert len(event["fields"]["created_at"].split(".")[1]) >= 6


def test_the_drill_restores_into_a_fresh_database_and_finds_it_identical(world, uploads, tmp_path):
    path = backup.create(tmp_path / "backups")
    report = backup.drill(path)
    assert report.ok, report.mismatches + report.audit_findings
    assert report.rows == sum(entry["rows"] for entry in backup.manifest_of(path)["models"].values())


def test_the_drill_names_what_differs_after_a_restore(world, uploads, tmp_path):
    path = backup.create(tmp_path / "backups")
    _names, manifest, data = _archive(path)
    for row in data:
        if row["model"] == "registry.organisation" and row["fields"]["name_zh"] == "深圳市备份测试科技有限公司":
            row["fields"]["name_zh"] = "被改动的单位"
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as archive:
        for name, payload in (("manifest.json", manifest), ("data.json", data)):
            encoded = json.dumps(payload, ensure_ascii=False).encode()
            info = tarfile.TarInfo(name)
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
    report = backup.drill(tampered)
    assert not report.ok
    assert any(line.startswith("registry.organisation:") for line in report.mismatches)
    assert any("uploads/applications/2026/11/guide.pdf" in line for line in report.mismatches)


def test_restore_refuses_a_database_that_is_already_in_use(world, tmp_path):
    path = backup.create(tmp_path / "backups")
    with pytest.raises(backup.RestoreRefused, match="already holds audit events"):
        backup.restore(path)
    with pytest.raises(CommandError, match="already holds audit events"):
        call_command("backup", "restore", str(path))


def test_the_command_writes_a_backup_and_needs_a_file_for_a_drill(world, tmp_path, capsys):
    call_command("backup", "create", "--output", str(tmp_path), "--no-progress")
    assert "backup written" in capsys.readouterr().out
    assert len(list(tmp_path.glob("minsheng-*.tar.gz"))) == 1
    with pytest.raises(CommandError, match="needs the archive"):
        call_command("backup", "drill")
