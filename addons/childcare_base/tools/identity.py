"""National identification numbers and ages: plain values in, plain values out."""

from datetime import date

from stdnum import luhn, verhoeff
from stdnum.be import nn as be_nn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as fr_nir
from stdnum.util import clean

SUPPORTED_COUNTRIES = ("BE", "FR", "LU")


class InvalidNationalNumber(ValueError):
    """The number does not pass the country's checks."""


def _lu_compact(number):
    return clean(number, " -./").strip()


def _lu_validate(number):
    """Luxembourg matricule: YYYYMMDDXXX + Luhn digit + Verhoeff digit, both over the first 11 digits.

    python-stdnum has no module for it; its Luhn and Verhoeff algorithms do the checks.
    """
    number = _lu_compact(number)
    if len(number) != 13 or not number.isdigit():
        raise InvalidNationalNumber("a Luxembourg national number has 13 digits")
    try:
        date(int(number[0:4]), int(number[4:6]), int(number[6:8]))
    except ValueError as exc:
        raise InvalidNationalNumber("the first 8 digits are not a birth date") from exc
    base = number[:11]
    if luhn.calc_check_digit(base) != number[11] or verhoeff.calc_check_digit(base) != number[12]:
        raise InvalidNationalNumber("wrong check digits")
    return number


def normalize_national_number(number, country_code):
    """Return the compact, validated form of ``number`` for ``country_code`` (ISO 3166 alpha-2).

    Countries without a known scheme get the number back stripped of blanks, unchecked.
    Raises :class:`InvalidNationalNumber` when the country's checks fail.
    """
    if not number:
        return False
    code = (country_code or "").upper()
    try:
        if code == "BE":
            return be_nn.validate(number)
        if code == "FR":
            return fr_nir.validate(number)
    except StdnumError as exc:
        raise InvalidNationalNumber(str(exc)) from exc
    if code == "LU":
        return _lu_validate(number)
    return clean(number, " ").strip()


def birthdate_from_national_number(number, country_code):
    """The birth date encoded in a validated number when the scheme carries one, else None."""
    code = (country_code or "").upper()
    try:
        if code == "BE":
            return be_nn.get_birth_date(number)
        if code == "LU":
            return date(int(number[0:4]), int(number[4:6]), int(number[6:8]))
    except (StdnumError, ValueError):
        return None
    return None


def age_in_months(birthdate, on_date):
    """Completed months between ``birthdate`` and ``on_date`` (0 before the first monthly birthday)."""
    if not birthdate or not on_date or on_date < birthdate:
        return 0
    months = (on_date.year - birthdate.year) * 12 + (on_date.month - birthdate.month)
    if on_date.day < birthdate.day:
        months -= 1
    return months


def lu_national_number(birthdate, serial):
    """Build a valid Luxembourg matricule from a birth date and a 3-digit serial (demo and tests)."""
    base = f"{birthdate:%Y%m%d}{serial:03d}"
    return base + luhn.calc_check_digit(base) + verhoeff.calc_check_digit(base)


def be_national_number(birthdate, serial):
    """Build a valid Belgian national number from a birth date and a 3-digit serial (demo and tests)."""
    base = f"{birthdate:%y%m%d}{serial:03d}"
    prefix = "2" if birthdate.year >= 2000 else ""
    return base + f"{97 - int(prefix + base) % 97:02d}"
