"""Helpers to render a report with wkhtmltopdf for real in a test and read the PDF back as text.

In test mode ``_render_qweb_pdf`` returns the HTML unless the context has ``force_report_rendering``;
these helpers force the real wkhtmltopdf run and fail (never skip) when wkhtmltopdf is not usable.

The suite's reports set their text in a system font (``.o_childcare_report``, see
``static/src/scss/childcare_report.scss``) so that any wkhtmltopdf build embeds it as real text:
these helpers read that text back with pdftotext.
"""

import os
import re
import subprocess
import tempfile

from odoo.tests import BaseCase


def render_pdf(test: BaseCase, report_ref, records):
    """The bytes of the PDF of ``report_ref`` for ``records``, printed by wkhtmltopdf."""
    Report = test.env["ir.actions.report"]
    state = Report.get_wkhtmltopdf_state()
    if state != "ok":
        test.fail(
            f"wkhtmltopdf is not usable (ir.actions.report.get_wkhtmltopdf_state() = {state!r}): install "
            "wkhtmltopdf >= 0.12 on the PATH of the Odoo server; the PDF reports cannot be tested without it"
        )
    pdf, report_type = Report.with_context(force_report_rendering=True)._render_qweb_pdf(report_ref, records.ids)
    test.assertEqual(report_type, "pdf")
    test.assertTrue(pdf.startswith(b"%PDF"), f"wkhtmltopdf did not return a PDF document: {pdf[:60]!r}")
    return pdf


def pdf_text(test: BaseCase, pdf):
    """The text of ``pdf`` as laid out on the pages (``pdftotext -layout``, from poppler-utils), with
    runs of blanks squashed to one space. ``CC_PDF_DUMP=/some/dir`` keeps a copy of the PDF there."""
    if dump := os.environ.get("CC_PDF_DUMP"):
        os.makedirs(dump, exist_ok=True)
        with open(os.path.join(dump, f"{test.id().rsplit('.', 1)[-1]}.pdf"), "wb") as file:
            file.write(pdf)
    with tempfile.NamedTemporaryFile(prefix="cc_report_", suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        try:
            result = subprocess.run(
                ["pdftotext", "-layout", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=False, timeout=60
            )
        except FileNotFoundError:
            test.fail("pdftotext is not installed (apt-get install poppler-utils): the PDF report cannot be read")
    test.assertEqual(result.returncode, 0, f"pdftotext failed: {result.stderr.decode(errors='replace')}")
    text = result.stdout.decode()
    test.assertTrue(text.strip(), "the PDF holds no extractable text")
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
