"""The Belcotax-on-web XML file of forms 281.86 (childcare costs), without a database.

Layout of the BelcotaxOnWeb "Verzendingen" file as the FPS Finance's technical documentation and its
BowConvert86 tool describe it: a sending (``v00xx``: sender), one declaration (``a10xx``: the organiser, the
municipality) holding ``Opgave32586`` with one ``Fiche28186`` per attestation (``f2xxx``: the debtor = the
paying parent; ``f86_xxxx``: the child, the certifying body and up to four periods), then the control records
of the declaration (``r80xx``) and of the sending (``r90xx``). Amounts are in euro cents (integers), dates
DD-MM-YYYY. Control totals: per form ``f86_2059_totaalcontrole`` = 2 x total amount; ``r8011`` / ``r9012`` =
the sum of the sequence numbers; ``r8012`` / ``r9013`` = the sum of the forms' control totals.

The schema (XSD) itself is published yearly with the validation module and is not shipped here: every field
the form needs is written, in the order of their codes; validate the file with the FPS Finance's module of the
year before uploading it.
"""

from datetime import date
from decimal import Decimal

from lxml import etree

#: the XML tags of the periods 1 to 4: (begin date, end date, days, daily rate, amount)
PERIOD_TAGS = (
    ("f86_2055_begindate1", "f86_2056_enddate1", "f86_2110_numberofday1", "f86_2111_dailytariff1", "f86_2060_amount1"),
    ("f86_2093_begindate2", "f86_2144_enddate2", "f86_2113_numberofday2", "f86_2115_dailytariff2", "f86_2061_amount2"),
    ("f86_2157_begindate3", "f86_2158_enddate3", "f86_2116_numberofday3", "f86_2117_dailytariff3", "f86_2062_amount3"),
    ("f86_2161_begindate4", "f86_2162_enddate4", "f86_2119_numberofday4", "f86_2120_dailytariff4", "f86_2063_amount4"),
)
#: Belcotax country code of Belgium
BELGIUM = "150"
#: Belcotax language codes
LANGUAGES = {"nl": "1", "fr": "2", "de": "3"}


def cents(amount):
    """``amount`` in euro cents (an integer)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1)))


def fmt_date(day):
    return day.strftime("%d-%m-%Y") if day else ""


def digits(value):
    return "".join(char for char in (value or "") if char.isdigit())


def _code(tag):
    """Sort key of a tag: its number (``f86_2059_...`` → 2059, ``f2011_...`` → 2011)."""
    parts = tag.split("_")
    number = parts[1] if parts[0] == "f86" else parts[0][1:]
    return int(number)


def _add(parent, values):
    for tag, value in values:
        element = etree.SubElement(parent, tag)
        element.text = "" if value is None else str(value)


def fiche_values(sequence, year, fiche):
    """The ``(tag, value)`` pairs of one ``Fiche28186``, in the order of their codes.

    ``fiche``: ``reference``, ``debtor`` (``national_number``, ``name``, ``first_name``, ``street``, ``zip``,
    ``city``, ``country`` Belcotax code), ``child`` (``national_number``, ``name``, ``first_name``,
    ``birthdate``, ``street``, ``zip``, ``city``, ``country``), ``certifier`` (optional: ``name``,
    ``street``, ``zip``, ``city``, ``company_registry``, ``authorisation`` code), ``periods`` (at most 4:
    ``date_from``, ``date_to``, ``days``, ``daily_rate``, ``amount``)."""
    debtor, child, periods = fiche["debtor"], fiche["child"], fiche["periods"]
    if not 1 <= len(periods) <= len(PERIOD_TAGS):
        raise ValueError(f"A form 281.86 holds 1 to {len(PERIOD_TAGS)} periods, not {len(periods)}.")
    total = sum(cents(period["amount"]) for period in periods)
    country = debtor.get("country") or BELGIUM
    values = [
        ("f2002_inkomstenjaar", year),
        ("f2005_registratienummer", digits(fiche.get("company_registry")) or "0"),
        ("f2008_typefiche", "28186"),
        ("f2009_volgnummer", sequence),
        ("f2010_referentie", fiche["reference"]),
        ("f2011_nationaalnr", digits(debtor.get("national_number"))),
        ("f2013_naam", (debtor.get("name") or "")[:41]),
        ("f2015_adres", (debtor.get("street") or "")[:200]),
        ("f2017_gemeente", (debtor.get("city") or "")[:27]),
        ("f2018_landwoonplaats", country),
        ("f2028_typetraitement", "0"),
        ("f2029_enkelopgave325", "0"),
        ("f2114_voornamen", (debtor.get("first_name") or "")[:15]),
        ("f86_2059_totaalcontrole", 2 * total),
        ("f86_2064_totalamount", total),
        ("f86_2101_childcountry", child.get("country") or BELGIUM),
        ("f86_2102_childaddress", (child.get("street") or "")[:200]),
        ("f86_2106_childname", (child.get("name") or "")[:41]),
        ("f86_2107_childfirstname", (child.get("first_name") or "")[:30]),
        ("f86_2139_childpostnr", child.get("zip") or ""),
        ("f86_2140_childmunicipality", (child.get("city") or "")[:27]),
        ("f86_2163_childbirthdate", fmt_date(child.get("birthdate"))),
    ]
    if country == BELGIUM:
        values.append(("f2016_postcodebelgisch", debtor.get("zip") or ""))
    else:
        values.append(("f2112_buitenlandspostnummer", debtor.get("zip") or ""))
    if child.get("national_number"):
        values.append(("f86_2153_nnchild", digits(child["national_number"])))
    certifier = fiche.get("certifier")
    if certifier:
        values += [
            ("f86_2031_certificationautorisation", certifier.get("authorisation") or "1"),
            ("f86_2100_certifierpostnr", certifier.get("zip") or ""),
            ("f86_2109_certifiercbenumber", digits(certifier.get("company_registry"))),
            ("f86_2154_certifiermunicipality", (certifier.get("city") or "")[:27]),
            ("f86_2155_certifiername", (certifier.get("name") or "")[:41]),
            ("f86_2156_certifieradres", (certifier.get("street") or "")[:200]),
        ]
    for tags, period in zip(PERIOD_TAGS, periods, strict=False):
        begin, end, days, rate, amount = tags
        values += [
            (begin, fmt_date(period["date_from"])),
            (end, fmt_date(period["date_to"])),
            (days, period["days"]),
            (rate, cents(period["daily_rate"])),
            (amount, cents(period["amount"])),
        ]
    values.sort(key=lambda pair: _code(pair[0]))
    return values, 2 * total


def belcotax_xml(year, sender, organiser, fiches, created=None):
    """The Belcotax-on-web XML file (bytes, UTF-8) of the forms 281.86 ``fiches`` of ``year``.

    ``sender`` and ``organiser``: ``name``, ``street``, ``zip``, ``city``, ``country`` (Belcotax code),
    ``company_registry`` (enterprise number), ``phone``, ``email``, ``contact``, ``lang`` (nl, fr, de)."""
    created = created or date.today()
    root = etree.Element("Verzendingen")
    sending = etree.SubElement(root, "Verzending")
    lang = LANGUAGES.get((sender.get("lang") or "fr")[:2], "2")
    _add(
        sending,
        [
            ("v0002_inkomstenjaar", year),
            ("v0010_bestandtype", "BELCOTAX"),
            ("v0011_aanmaakdatum", fmt_date(created)),
            ("v0014_naam", (sender.get("name") or "")[:41]),
            ("v0015_adres", (sender.get("street") or "")[:200]),
            ("v0016_postcode", sender.get("zip") or ""),
            ("v0017_gemeente", (sender.get("city") or "")[:27]),
            ("v0018_telefoonnummer", sender.get("phone") or ""),
            ("v0021_contactpersoon", sender.get("contact") or ""),
            ("v0022_taalcode", lang),
            ("v0023_emailadres", sender.get("email") or ""),
            ("v0024_nationaalnr", digits(sender.get("company_registry"))),
            ("v0025_typeenvoi", "0"),
            ("v0028_landwoonplaats", sender.get("country") or BELGIUM),
        ],
    )
    declaration = etree.SubElement(etree.SubElement(sending, "Aangiften"), "Aangifte")
    name = organiser.get("name") or ""
    _add(
        declaration,
        [
            ("a1002_inkomstenjaar", year),
            ("a1005_registratienummer", digits(organiser.get("company_registry"))),
            ("a1011_naamnl1", name[:28]),
            ("a1012_naamnl2", name[28:59]),
            ("a1013_adresnl", (organiser.get("street") or "")[:200]),
            ("a1014_postcodebelgisch", organiser.get("zip") or ""),
            ("a1015_gemeente", (organiser.get("city") or "")[:27]),
            ("a1016_landwoonplaats", organiser.get("country") or BELGIUM),
            ("a1020_taalcode", lang),
        ],
    )
    forms = etree.SubElement(etree.SubElement(declaration, "Opgaven"), "Opgave32586")
    control = 0
    for sequence, fiche in enumerate(fiches, start=1):
        values, fiche_control = fiche_values(sequence, year, fiche)
        _add(etree.SubElement(forms, "Fiche28186"), values)
        control += fiche_control
    count = len(fiches)
    sequences = count * (count + 1) // 2
    _add(
        declaration,
        [
            ("r8002_inkomstenjaar", year),
            ("r8005_registratienummer", digits(organiser.get("company_registry"))),
            ("r8010_aantalrecords", count + 2),
            ("r8011_controletotaal", sequences),
            ("r8012_controletotaal", control),
            ("r8013_totaalvoorheffingen", 0),
        ],
    )
    _add(
        sending,
        [
            ("r9002_inkomstenjaar", year),
            ("r9010_aantallogbestanden", 3),
            ("r9011_totaalaantalrecords", count + 4),
            ("r9012_controletotaal", sequences),
            ("r9013_controletotaal", control),
        ],
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True, pretty_print=True)
