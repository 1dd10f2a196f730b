import pytest

from odoo.addons.citizen_portal.tools.uploads import MAX_UPLOAD_BYTES, UploadRefused, check_upload


def test_accepted_upload_gets_the_extension_of_its_real_type():
    assert check_upload("Fiche de paie.PDF", b"%PDF-1.4", "application/pdf") == "Fiche de paie.pdf"
    assert check_upload("C:\\scans\\avis.jpeg", b"\xff\xd8", "image/jpeg") == "avis.jpg"
    assert check_upload("../../etc/passwd.png", b"\x89PNG", "image/png") == "passwd.png"
    assert check_upload("", b"%PDF", "application/pdf") == "document.pdf"


@pytest.mark.parametrize(
    ("content", "sniffed", "reason"),
    [
        (b"", "application/pdf", "empty"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "application/pdf", "too_large"),
        (b"<html>", "text/html", "type"),
        (b"MZ", "application/x-msdownload", "type"),
        (b"<svg/>", "image/svg+xml", "type"),
    ],
)
def test_refused_uploads(content, sniffed, reason):
    with pytest.raises(UploadRefused) as refused:
        check_upload("x.pdf", content, sniffed)
    assert refused.value.reason == reason
