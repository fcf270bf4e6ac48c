import io

import pytest

from minsheng.core import pdf
from tests.factories import OrganisationFactory, PersonFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "uploads"}}}


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name_zh="深圳市本单位健康科技有限公司")


@pytest.fixture
def applicant(organisation):
    return user_for_role("applicant", organisation=organisation, username="own_applicant")


@pytest.fixture
def colleague(organisation):
    return user_for_role("applicant", organisation=organisation, username="own_colleague", last_name="李",
                         first_name="同事")


@pytest.fixture
def stranger(db):
    return user_for_role("applicant", organisation=OrganisationFactory(), username="other_applicant")


@pytest.fixture
def officer(db):
    return user_for_role("officer", username="programme_officer")


@pytest.fixture
def call(db):
    return CallFactory()


@pytest.fixture
def draft(call, organisation, applicant):
    return ApplicationFactory(call=call, organisation=organisation, created_by=applicant,
                              lead=PersonFactory(organisation=organisation, name="王主任"))


@pytest.fixture
def pdf_bytes():
    return pdf.render([pdf.paragraph("承诺书")], document_title="承诺书")


# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def buffer(content: bytes):
    return io.BytesIO(content)
