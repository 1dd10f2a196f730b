"""What a parent may upload through the portal (proofs of income, priority-criteria documents, medical
certificates): a size limit and a short list of document types, checked on the file's content, not on its
name or on what the browser claims."""

#: the largest file a parent may upload (bytes)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: the document types accepted: the type sniffed from the content -> the extension the file is saved with
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


class UploadRefused(ValueError):
    """The upload is refused; ``reason`` is ``"empty"``, ``"too_large"`` or ``"type"``."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def check_upload(filename, content, sniffed_type, max_bytes=MAX_UPLOAD_BYTES):
    """Return the name to store an accepted upload under, or raise :class:`UploadRefused`.

    ``sniffed_type`` is the MIME type read from the content (Odoo's ``guess_mimetype``); the stored name
    keeps the parent's base name with the extension of the real type."""
    if not content:
        raise UploadRefused("empty")
    if len(content) > max_bytes:
        raise UploadRefused("too_large")
    extension = ALLOWED_TYPES.get(sniffed_type)
    if not extension:
        raise UploadRefused("type")
    base = (filename or "document").replace("\\", "/").rsplit("/", 1)[-1]
    base = base.rsplit(".", 1)[0] if "." in base else base
    base = "".join(ch for ch in base if ch.isalnum() or ch in " -_").strip() or "document"
    return base[:100] + extension
