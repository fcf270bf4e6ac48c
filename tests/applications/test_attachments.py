"""Attachments: PDF, PNG and JPEG only, by their content; size limit; generated names; served only through
the permission-checked view as an attachment."""

import pytest
from django.urls import reverse

from minsheng.applications.models import Attachment
from minsheng.core.models import AuditEvent
from tests.applications.conftest import EXE, JPEG, PNG, upload

pytestmark = pytest.mark.django_db


def post(client, app, name, content, kind="commitment"):
    return client.post(reverse("applications:attachments", args=[app.pk]),
                       {"kind": kind, "version": app.version, "file": upload(name, content)})


@pytest.mark.parametrize("name, content_type", [("承诺书.pdf", "application/pdf"), ("营业执照.png", "image/png"),
                                                ("合作协议.JPG", "image/jpeg")])
def test_real_files_are_stored_under_a_generated_name(client, applicant, draft, pdf_bytes, name, content_type):
    content = {"application/pdf": pdf_bytes, "image/png": PNG, "image/jpeg": JPEG}[content_type]
    client.force_login(applicant)
    response = post(client, draft, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == name and attachment.content_type == content_type
    assert name not in attachment.file.name and len(attachment.sha256) == 64
    assert AuditEvent.objects.filter(action="applications.attachment.create", clause="M17").exists()
    download = client.get(reverse("applications:attachment", args=[draft.pk, attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize("name, content, words", [
    ("申报书.pdf", EXE, "不是 PDF、PNG 或 JPEG"),             # a renamed program
    ("setup.exe", EXE, "不是 PDF、PNG 或 JPEG"),
    ("说明.pdf", "这只是文本".encode(), "不是 PDF、PNG 或 JPEG"),  # a renamed text file
    ("扫描件.pdf", PNG, "其内容为 PNG"),                 # a real image named as a PDF
])
def test_a_file_that_is_not_what_its_name_says_is_refused(client, applicant, draft, name, content, words):
    client.force_login(applicant)
    response = post(client, draft, name, content)
    assert response.status_code == 400
    text = response.content.decode()
    assert name in text and words in text
    assert not Attachment.objects.exists()


def test_size_limit(client, applicant, draft, settings):
    client.force_login(applicant)
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    response = post(client, draft, "大文件.pdf", big)
    assert response.status_code == 400 and "10 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_other_organisations_files_answer_404(client, applicant, stranger, draft, pdf_bytes):
    client.force_login(applicant)
    post(client, draft, "承诺书.pdf", pdf_bytes)
    attachment = Attachment.objects.get()
    client.force_login(stranger)
    assert client.get(reverse("applications:attachment", args=[draft.pk, attachment.pk])).status_code == 404
    assert post(client, draft, "x.pdf", pdf_bytes).status_code == 404
    url = reverse("applications:attachment_delete", args=[draft.pk, attachment.pk])
    assert client.post(url, {"version": draft.version}).status_code == 404
    assert Attachment.objects.count() == 1


def test_delete_is_audited_and_removes_the_file(client, applicant, draft, pdf_bytes,
                                               django_capture_on_commit_callbacks):
    client.force_login(applicant)
    post(client, draft, "承诺书.pdf", pdf_bytes)
    attachment = Attachment.objects.get()
    storage, name = attachment.file.storage, attachment.file.name
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:attachment_delete", args=[draft.pk, attachment.pk]),
                    {"version": draft.version})
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="applications.attachment.delete").exists()
    assert not storage.exists(name)


def test_an_upload_error_is_shown_once_under_its_field(client, applicant, draft):
    client.force_login(applicant)
    response = post(client, draft, "说明.pdf", "这只是文本".encode())
    text = response.content.decode()
    assert text.count("不是 PDF、PNG 或 JPEG") == 1
    assert 'data-ms-field="file"' in text and "invalid-feedback" in text.split('data-ms-field="file"')[1]
