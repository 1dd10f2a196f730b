"""The print-house batch (tools/print_batch.py), without a database: order (postcode, then household name,
accents and case aside), page counts and first pages, amounts to the cent, CSV and XLSX bytes that do not
change from one build to the next, and a merged PDF with every page in order."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from PIL import Image

from odoo.addons.childcare_billing.tools.print_batch import (
    COLUMNS,
    build_batch,
    collate,
    normalise_postcode,
    page_count,
    sort_key,
)


def pdf(pages, size=(60, 80)):
    """A PDF of ``pages`` pages; page *i* is ``size`` wide plus *i* points (each page is recognisable)."""
    images = [Image.new("RGB", (size[0] + index, size[1]), (index * 40 % 255, 0, 0)) for index in range(pages)]
    output = io.BytesIO()
    images[0].save(output, "PDF", save_all=True, append_images=images[1:])
    return output.getvalue()


def entry(id_, invoice, family, postcode, amount, *, pages=1, width=60):
    return {
        "id": id_,
        "invoice": invoice,
        "family": family,
        "postcode": postcode,
        "address_lines": [family, "Rue de la Station 1", "", f"{postcode} Namur", ""],
        "pdf": pdf(pages, (width, 80)),
        "amount": amount,
        "currency": "EUR",
    }


ENTRIES = [
    entry(1, "INV/2025/00001", "Zidane", "5000", 232.5, pages=2, width=61),
    entry(2, "INV/2025/00002", "Janssens", "1000", 345.0, width=62),
    entry(3, "INV/2025/00003", "Écrevisse", "5000", 10.005, width=63),
    entry(4, "INV/2025/00004", "Adam", "", 1.1, width=64),
    entry(5, "INV/2025/00005", "dupont", " 5000 ", 99.99, width=65),
]


def page_widths(document):
    from odoo.tools.pdf import PdfFileReader

    return [round(float(page.mediabox.width)) for page in PdfFileReader(io.BytesIO(document), strict=False).pages]


def test_collate_and_postcode():
    assert collate(" Émile ") == "emile"
    assert collate("ÇA") == "ca"
    assert normalise_postcode(" b-1000 ") == "B-1000"
    assert normalise_postcode(None) == ""


def test_order_postcode_then_name():
    ordered = sorted(ENTRIES, key=sort_key)
    # 1000 first; then 5000: dupont, Écrevisse, Zidane (accents and case aside); no postcode last
    assert [item["family"] for item in ordered] == ["Janssens", "dupont", "Écrevisse", "Zidane", "Adam"]
    # the order of the input does not matter
    assert sorted(reversed(ENTRIES), key=sort_key) == ordered


def test_manifest_rows():
    batch = build_batch(ENTRIES)
    rows = batch["rows"]
    assert [row["sequence"] for row in rows] == [1, 2, 3, 4, 5]
    assert [row["invoice"] for row in rows] == [
        "INV/2025/00002",
        "INV/2025/00005",
        "INV/2025/00003",
        "INV/2025/00001",
        "INV/2025/00004",
    ]
    assert [row["pages"] for row in rows] == [1, 1, 1, 2, 1]
    assert [row["first_page"] for row in rows] == [1, 2, 3, 4, 6]
    assert [row["amount"] for row in rows] == [
        Decimal("345.00"),
        Decimal("99.99"),
        Decimal("10.01"),
        Decimal("232.50"),
        Decimal("1.10"),
    ]
    assert rows[0]["address_1"] == "Janssens"
    assert rows[0]["address_2"] == "Rue de la Station 1"
    assert rows[0]["address_3"] == "1000 Namur"  # empty lines are dropped, the others move up
    assert rows[0]["address_4"] == rows[0]["address_5"] == ""


def test_merged_pdf_in_print_order():
    batch = build_batch(ENTRIES)
    assert page_count(batch["pdf"]) == 6
    # the pages of each invoice, in the manifest's order (each test page has its own width)
    assert page_widths(batch["pdf"]) == [62, 65, 63, 61, 62, 64]


def test_csv():
    batch = build_batch(ENTRIES)
    text = batch["csv"].decode("utf-8")
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    records = list(csv.DictReader(io.StringIO(text)))
    assert [record["amount"] for record in records] == ["345.00", "99.99", "10.01", "232.50", "1.10"]
    assert records[2]["family"] == "Écrevisse"
    assert records[3]["pages"] == "2"
    assert records[3]["first_page"] == "4"


def test_same_entries_same_bytes():
    created = datetime.datetime(2025, 11, 5)
    first = build_batch(ENTRIES, created=created, title="2025-10")
    second = build_batch(list(reversed(ENTRIES)), created=created, title="2025-10")
    assert first["csv"] == second["csv"]
    assert first["xlsx"] == second["xlsx"]
    assert first["pdf"] == second["pdf"]


def test_xlsx_content():
    batch = build_batch(ENTRIES, title="Batch", headers={"invoice": "Facture"}, total_label="Totaal")
    with zipfile.ZipFile(io.BytesIO(batch["xlsx"])) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    for text in ("Batch", "Facture", "Totaal", "Janssens", "Écrevisse", "INV/2025/00004"):
        assert text in strings
    assert "<v>345</v>" in sheet
    assert "<v>688.6</v>" in sheet  # the total: 345.00 + 99.99 + 10.01 + 232.50 + 1.10
    assert "<v>6</v>" in sheet  # the pages


def test_no_entry_no_batch():
    assert build_batch([]) is None
