"""The print-house batch of the invoices delivered on paper: pure functions (no environment, no records).

A batch is one merged PDF of the invoices, in the order the print house puts them in envelopes (postcode,
then household name), and its manifest (a row per invoice: sequence, invoice number, household, the address
lines of the envelope, pages, first page in the merged PDF, amount) as CSV and XLSX. Same entries in, same
bytes out: the order never depends on the order of the entries, the CSV is written with fixed separators and
line ends, the XLSX with a fixed creation date, and the PDFs are merged by Odoo's ``odoo.tools.pdf``.

An entry is a dict: ``id`` (a stable tie-breaker, the invoice's id), ``invoice`` (its number), ``family``,
``postcode``, ``address_lines`` (the envelope's lines, at most :data:`ADDRESS_LINES`), ``pdf`` (bytes),
``amount`` (a number, rounded to the cent here, half up) and ``currency`` (its code).
"""

import csv
import datetime
import io
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import xlsxwriter

from odoo.tools.pdf import PdfFileReader, merge_pdf

#: the address lines of an envelope (recipient, street, street 2, postcode and city, country)
ADDRESS_LINES = 5
#: the columns of the manifest, in order (the CSV's header row: stable names a print house can map)
COLUMNS = (
    "sequence",
    "invoice",
    "family",
    *(f"address_{index}" for index in range(1, ADDRESS_LINES + 1)),
    "pages",
    "first_page",
    "amount",
    "currency",
)
CENT = Decimal("0.01")


def collate(text):
    """``text`` as it sorts in a directory: without accents, case-insensitive ("Émile" next to "Emile")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().strip()


def normalise_postcode(postcode):
    """The postcode without blanks, upper case ("b-1000 " -> "B-1000"); ``""`` when there is none."""
    return "".join((postcode or "").split()).upper()


def sort_key(entry):
    """Postcode, then household name, then invoice number and id (so that the order is total); entries
    without a postcode come last."""
    postcode = normalise_postcode(entry.get("postcode"))
    return (not postcode, postcode, collate(entry["family"]), entry["invoice"] or "", entry.get("id") or 0)


def page_count(pdf):
    """The number of pages of the PDF ``pdf`` (bytes)."""
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


def amount_cents(amount):
    """``amount`` as a Decimal rounded to the cent, half up."""
    return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)


def manifest_rows(entries):
    """The manifest of ``entries``: one dict per entry, keys :data:`COLUMNS`, in print order. ``pages``
    is read from each entry's PDF; ``first_page`` is the page where the entry starts in the merged PDF."""
    rows, first = [], 1
    for sequence, entry in enumerate(sorted(entries, key=sort_key), start=1):
        lines = [line for line in (entry.get("address_lines") or []) if line][:ADDRESS_LINES]
        lines += [""] * (ADDRESS_LINES - len(lines))
        pages = page_count(entry["pdf"])
        row = {
            "sequence": sequence,
            "invoice": entry["invoice"] or "",
            "family": entry["family"] or "",
            **{f"address_{index}": line for index, line in enumerate(lines, start=1)},
            "pages": pages,
            "first_page": first,
            "amount": amount_cents(entry["amount"]),
            "currency": entry.get("currency") or "",
        }
        rows.append(row)
        first += pages
    return rows


def merged_pdf(entries):
    """One PDF of the entries' PDFs, in print order (Odoo's ``merge_pdf``)."""
    return merge_pdf([entry["pdf"] for entry in sorted(entries, key=sort_key)])


def manifest_csv(rows):
    """The manifest as CSV (UTF-8, comma, CRLF line ends, a header row of :data:`COLUMNS`, amounts with a
    dot and two decimals)."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([f"{row[column]:.2f}" if column == "amount" else row[column] for column in COLUMNS])
    return output.getvalue().encode("utf-8")


def manifest_xlsx(rows, *, title="", headers=None, total_label="Total", created=None):
    """The manifest as an XLSX workbook (bytes): an optional title row, a header row (``headers``: {column:
    label}, the column names by default), a row per invoice and a total row (pages and amount).
    ``created``: the workbook's creation date (a fixed one keeps the bytes identical)."""
    headers = headers or {}
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    workbook.set_properties({"created": created or datetime.datetime(2000, 1, 1)})
    sheet = workbook.add_worksheet("Manifest")
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
    row_index = 0
    if title:
        sheet.write(0, 0, title, bold)
        row_index = 2
    for col, column in enumerate(COLUMNS):
        sheet.write(row_index, col, headers.get(column, column), bold)
    sheet.freeze_panes(row_index + 1, 0)
    amount_col, pages_col = COLUMNS.index("amount"), COLUMNS.index("pages")
    for row in rows:
        row_index += 1
        for col, column in enumerate(COLUMNS):
            value = row[column]
            if column == "amount":
                sheet.write_number(row_index, col, float(value), money)
            elif isinstance(value, int):
                sheet.write_number(row_index, col, value)
            else:
                sheet.write_string(row_index, col, value)
    row_index += 1
    sheet.write(row_index, 0, total_label, bold)
    sheet.write_number(row_index, pages_col, sum(row["pages"] for row in rows), bold)
    sheet.write_number(row_index, amount_col, float(sum((row["amount"] for row in rows), Decimal(0))), money_bold)
    sheet.set_column(0, 0, 9)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 2 + ADDRESS_LINES, 28)
    sheet.set_column(pages_col, len(COLUMNS) - 1, 11)
    workbook.close()
    return output.getvalue()


def build_batch(entries, *, title="", headers=None, total_label="Total", created=None):
    """The print batch of ``entries``: ``{"rows", "pdf", "csv", "xlsx"}`` (the manifest rows, the merged
    PDF, the manifest as CSV and as XLSX), or None when there is no entry."""
    if not entries:
        return None
    rows = manifest_rows(entries)
    return {
        "rows": rows,
        "pdf": merged_pdf(entries),
        "csv": manifest_csv(rows),
        "xlsx": manifest_xlsx(rows, title=title, headers=headers, total_label=total_label, created=created),
    }
