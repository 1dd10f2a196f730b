"""CODA → OCA statement values (tools/coda.py) and structured references in statement texts
(tools/bank_reference.py), without a database. The CODA files are written here (coda_samples.py)."""

from datetime import date

import pytest

import odoo.modules.module

# Odoo's own addons (``account``, whose structured_reference tools are used) on the addons path, as the
# server puts them: nothing else of Odoo is started
odoo.modules.module.initialize_sys_path()

from odoo.addons.childcare_billing.tools import bank_reference, coda  # noqa: E402
from odoo.addons.childcare_billing.tools.tests.coda_samples import coda_file  # noqa: E402

ACCOUNT = "BE71096123456769"
#: valid Belgian structured communications (10 digits + their modulo 97, 97 for 0)
OGM_A = "020343057642"


def ogm(base):
    """12 digits of a valid Belgian structured communication from 10 digits."""
    check = int(base) % 97 or 97
    return f"{base}{check:02d}"


def test_ogm_samples_are_valid():
    assert bank_reference.kind(OGM_A) == "be"
    assert bank_reference.kind(ogm("0000000123")) == "be"
    assert bank_reference.kind("000000012300") is None


def test_not_coda():
    for data in (b"", b"<?xml version='1.0'?><Document/>", b"0" * 200, "é".encode()):
        assert not coda.is_coda(data)
        with pytest.raises(coda.NotCoda):
            coda.parse_coda(data)


def test_parse_statement():
    data = coda_file(
        ACCOUNT,
        [
            {"amount": 232.50, "ogm": OGM_A, "name": "DUPONT MARIE", "iban": "BE68539007547034"},
            {"amount": 145.00, "text": "Garderie octobre +++000/0000/12326+++", "name": "JANSSENS"},
            {"amount": -12.35, "text": "Frais bancaires", "info": "Frais de tenue de compte"},
        ],
        day=date(2025, 11, 14),
        old_balance=1000.0,
    )
    lines = data.decode("windows-1252").split("\r\n")
    assert all(len(line) == 128 for line in lines if line)
    [(currency, account, statements)] = coda.parse_coda(data)
    assert (currency, account) == ("EUR", ACCOUNT)
    [statement] = statements
    assert statement["name"] == "2025/042"
    assert statement["date"] == date(2025, 11, 14)
    assert statement["balance_start"] == 1000.0
    assert statement["balance_end_real"] == pytest.approx(1365.15)
    first, second, third = statement["transactions"]
    assert first["amount"] == 232.50
    assert first["payment_ref"] == "+++020/3430/57642+++"
    assert first["childcare_bank_reference"] == "+++020/3430/57642+++"
    assert first["date"] == date(2025, 11, 14)
    assert first["partner_name"] == "DUPONT MARIE"
    assert first["account_number"] == "BE68539007547034"
    assert first["sequence"] == 1
    assert second["payment_ref"] == "Garderie octobre +++000/0000/12326+++"
    assert second["childcare_bank_reference"] is None
    assert third["amount"] == -12.35
    assert "Frais de tenue de compte" in third["narration"]
    # every line has its own import id: OCA refuses a transaction imported twice
    assert len({line["unique_import_id"] for line in statement["transactions"]}) == 3


def test_structured_type_other_than_ogm_is_not_a_reference():
    data = coda_file(ACCOUNT, [{"amount": 10.0, "ogm": OGM_A}]).decode("windows-1252")
    data = data.replace("1101" + OGM_A, "1105" + OGM_A)  # type 105: details of a globalisation, not an OGM
    [(_currency, _account, [statement])] = coda.parse_coda(data.encode("windows-1252"))
    [line] = statement["transactions"]
    assert line["childcare_bank_reference"] is None
    assert line["payment_ref"] == OGM_A


def test_broken_coda():
    data = coda_file(ACCOUNT, [{"amount": 10.0, "ogm": OGM_A}]).decode("windows-1252").split("\r\n")
    data[2] = "25" + data[2][2:]  # a movement record 2.5 does not exist
    with pytest.raises(coda.CodaError):
        coda.parse_coda("\r\n".join(data).encode("windows-1252"))
    header_only = coda_file(ACCOUNT, []).decode("windows-1252").split("\r\n")[0]
    with pytest.raises(coda.CodaError):
        coda.parse_coda(header_only.encode("windows-1252"))


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("+++020/3430/57642+++",), ("020343057642", True)),
        (("Crèche ***020/3430/57642*** octobre",), ("020343057642", True)),
        (("+++ 020 / 3430 / 57642 +++",), ("020343057642", True)),
        (("020343057642",), ("020343057642", True)),
        (("020/3430/57642",), ("020343057642", True)),
        (("RF18 5390 0754 7034",), ("RF18539007547034", True)),
        (("rf18539007547034 octobre",), ("RF18539007547034", True)),
        (("Paiement RF18 5390 0754 7034 DUPONT",), ("RF18539007547034", True)),
        (("+++020/3430/57643+++",), ("020343057643", False)),
        (("RF19 5390 0754 7034",), ("RF19539007547034", False)),
        (("Garderie de Léa, octobre 2025",), (None, False)),
        ((None, "", "+++020/3430/57642+++"), ("020343057642", True)),
        # the bank's structured field comes first; a valid reference wins over an invalid one
        (("+++020/3430/57643+++", "RF18 5390 0754 7034"), ("RF18539007547034", True)),
    ],
)
def test_find_reference(texts, expected):
    assert bank_reference.find_reference(*texts) == expected


def test_normalise_and_variants():
    assert bank_reference.normalise("+++020/3430/57642+++") == "020343057642"
    assert bank_reference.normalise("RF18 5390 0754 7034") == "RF18539007547034"
    assert bank_reference.normalise(False) == ""
    assert "+++020/3430/57642+++" in bank_reference.variants("020343057642")
    assert "RF18 5390 0754 7034" in bank_reference.variants("RF18539007547034")
    assert bank_reference.kind("RF18 5390 0754 7034") == "iso"
    assert bank_reference.kind("+++020/3430/57642+++") == "be"
    assert bank_reference.kind("hello") is None
