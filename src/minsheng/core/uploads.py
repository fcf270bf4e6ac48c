"""The one check of an uploaded file: its real type read from its first bytes (whatever its name says), a name that
agrees with that type, and a size limit. Application attachments and achievements' evidence share it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPT = ".pdf,.png,.jpg,.jpeg"

SIGNATURES = [  # (magic bytes, content type, extensions, human name)
    (b"%PDF-", "application/pdf", (".pdf",), "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",), "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg"), "JPEG"),
]


def sniff(head: bytes):
    """(content type, extensions, name) of the file's real type from its first bytes, or None."""
    for magic, content_type, extensions, name in SIGNATURES:
        if head.startswith(magic):
            return content_type, extensions, name
    return None


def checked_content_type(upload) -> str:
    """The content type of an acceptable upload; ValidationError saying what is wrong otherwise."""
    name = upload.name or ""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("“%(name)s” is %(size)s MB; the limit is 10 MB.")
                              % {"name": name, "size": f"{upload.size / 1024 / 1024:.1f}"})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ValidationError(_("“%(name)s” is not a PDF, PNG or JPEG file by its content (whatever its name "
                                "says). Only PDF, PNG and JPEG files are accepted.") % {"name": name})
    content_type, extensions, type_name = found
    if not name.lower().endswith(extensions):
        raise ValidationError(_("“%(name)s” is named as another kind of file, but its content is %(type)s. "
                                "Rename it to end in %(ext)s, or upload the file you meant.")
                              % {"name": name, "type": type_name, "ext": extensions[0]})
    return content_type
