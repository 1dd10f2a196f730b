"""Tax attestation 281.86 rules (tools/attestation.py) and the Belcotax file (tools/belcotax.py), no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from odoo.addons.childcare_billing.tools.attestation import (
    CareItem,
    age_limit_date,
    attestations,
    daily_rate,
    eligible_share,
    merge_periods,
    split_attestations,
)
from odoo.addons.childcare_billing.tools.belcotax import belcotax_xml, cents, fiche_values


def month_item(year, month, days, amount):
    start = date(year, month, 1)
    return CareItem(start, start + timedelta(days=days - 1), days, Decimal(amount), (f"move {month}",))


def test_age_limits():
    assert age_limit_date(date(2011, 10, 15)) == date(2025, 10, 15)
    assert age_limit_date(date(2011, 10, 15), severe_disability=True) == date(2032, 10, 15)
    assert age_limit_date(date(2012, 2, 29)) == date(2026, 3, 1)


def test_eligible_share_prorates_a_month_across_the_birthday():
    days = [date(2025, 10, day) for day in (1, 2, 3, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17)]
    eligible, amount = eligible_share(days, 130.0, date(2025, 10, 15))
    assert eligible == days[:10]
    assert amount == Decimal("100.00")
    # all before: the full amount; none: nothing
    assert eligible_share(days, 130.0, date(2026, 1, 1)) == (days, Decimal("130.00"))
    assert eligible_share(days, 130.0, date(2025, 10, 1)) == ([], Decimal("0.00"))
    # rounded once, half up: 100 x 1/3
    assert eligible_share(days[:3], 100, days[1])[1] == Decimal("33.33")


def test_daily_rate_rounded_half_up():
    assert daily_rate(Decimal("232.50"), 22) == Decimal("10.57")
    assert daily_rate(Decimal("0.05"), 2) == Decimal("0.03")
    assert daily_rate(Decimal("10"), 0) == Decimal("0.00")


def test_consecutive_months_with_the_same_rate_form_one_period():
    items = [
        month_item(2025, 1, 20, "300.00"),  # 15.00 a day
        month_item(2025, 2, 18, "270.00"),  # 15.00: merged with January
        month_item(2025, 3, 21, "330.75"),  # 15.75: new period
        month_item(2025, 5, 20, "315.00"),  # 15.75 but April missing: new period
    ]
    periods = merge_periods(items)
    assert [(p.date_from, p.date_to, p.days, p.amount, p.daily_rate) for p in periods] == [
        (date(2025, 1, 1), date(2025, 2, 18), 38, Decimal("570.00"), Decimal("15.00")),
        (date(2025, 3, 1), date(2025, 3, 21), 21, Decimal("330.75"), Decimal("15.75")),
        (date(2025, 5, 1), date(2025, 5, 20), 20, Decimal("315.00"), Decimal("15.75")),
    ]
    assert periods[0].sources == ["move 1", "move 2"]
    # nothing is lost: the periods add up to the cent to what was paid
    assert sum(p.amount for p in periods) == sum(Decimal(i.amount) for i in items)


def test_periods_reconcile_to_the_cent_whatever_the_rates():
    amounts = ["232.50", "232.50", "232.49", "101.01", "0.01", "333.33", "232.50"]
    items = [month_item(2025, m + 1, 20 + m % 3, amount) for m, amount in enumerate(amounts)]
    parts = attestations(items)
    assert sum(p.amount for part in parts for p in part) == sum(Decimal(a) for a in amounts)


def test_items_without_days_or_amount_are_left_out():
    assert merge_periods([month_item(2025, 1, 20, "0"), CareItem(date(2025, 2, 1), date(2025, 2, 1), 0, 5)]) == []


def test_more_than_four_periods_make_further_attestations():
    # 6 months, each with its own daily rate: 6 periods -> 2 attestations (4 + 2), in date order
    items = [month_item(2025, m, 20, f"{200 + m}.00") for m in range(1, 7)]
    parts = attestations(items)
    assert [len(part) for part in parts] == [4, 2]
    assert parts[0][0].date_from == date(2025, 1, 1)
    assert parts[1][0].date_from == date(2025, 5, 1)
    assert split_attestations([]) == []


def fiche(periods):
    return {
        "reference": "281.86/2025/00001",
        "debtor": {
            "national_number": "85.07.30-033.61",
            "name": "Dupont",
            "first_name": "Marie",
            "street": "Rue Haute 1",
            "zip": "1000",
            "city": "Bruxelles",
        },
        "child": {
            "national_number": None,
            "name": "Dupont",
            "first_name": "Léa",
            "birthdate": date(2021, 3, 14),
            "street": "Rue Haute 1",
            "zip": "1000",
            "city": "Bruxelles",
        },
        "certifier": {
            "name": "Commune",
            "street": "Place 1",
            "zip": "1000",
            "city": "Bruxelles",
            "company_registry": "0207.373.429",
        },
        "periods": periods,
    }


PERIOD = {
    "date_from": date(2025, 9, 1),
    "date_to": date(2025, 9, 30),
    "days": 22,
    "daily_rate": Decimal("10.57"),
    "amount": Decimal("232.50"),
}


def test_belcotax_file():
    second = dict(
        PERIOD,
        date_from=date(2025, 10, 1),
        date_to=date(2025, 10, 31),
        days=23,
        daily_rate=Decimal("10.11"),
        amount=Decimal("232.50"),
    )
    address = {
        "name": "Commune de Bruxelles",
        "street": "Place 1",
        "zip": "1000",
        "city": "Bruxelles",
        "company_registry": "0207.373.429",
        "lang": "fr_BE",
    }
    content = belcotax_xml(2025, address, address, [fiche([PERIOD, second]), fiche([PERIOD])], created=date(2026, 1, 5))
    root = etree.fromstring(content)
    forms = root.findall(".//Opgave32586/Fiche28186")
    assert len(forms) == 2
    first = forms[0]
    assert first.findtext("f2011_nationaalnr") == "85073003361"
    assert first.findtext("f2008_typefiche") == "28186"
    assert first.findtext("f2009_volgnummer") == "1"
    assert first.findtext("f86_2055_begindate1") == "01-09-2025"
    assert first.findtext("f86_2110_numberofday1") == "22"
    assert first.findtext("f86_2111_dailytariff1") == "1057"
    assert first.findtext("f86_2060_amount1") == "23250"
    assert first.findtext("f86_2093_begindate2") == "01-10-2025"
    assert first.findtext("f86_2064_totalamount") == "46500"
    assert first.findtext("f86_2059_totaalcontrole") == "93000"
    assert first.findtext("f86_2109_certifiercbenumber") == "0207373429"
    assert first.find("f86_2153_nnchild") is None  # no national number known: left out
    assert root.findtext(".//r8010_aantalrecords") == "4"
    assert root.findtext(".//r8011_controletotaal") == "3"
    assert root.findtext(".//r8012_controletotaal") == str(93000 + 46500)
    assert root.findtext(".//r9013_controletotaal") == str(93000 + 46500)
    assert root.findtext("Verzending/v0011_aanmaakdatum") == "05-01-2026"
    # the fields of a form are in the order of their codes
    codes = [int(el.tag.split("_")[1] if el.tag.startswith("f86") else el.tag.split("_")[0][1:]) for el in first]
    assert codes == sorted(codes)


def test_belcotax_refuses_more_than_four_periods():
    with pytest.raises(ValueError):
        fiche_values(1, 2025, fiche([PERIOD] * 5))
    assert cents(Decimal("0.01")) == 1
