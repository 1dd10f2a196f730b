from datetime import date

import pytest

from odoo.addons.childcare_base.tools.identity import (
    InvalidNationalNumber,
    age_in_months,
    be_national_number,
    birthdate_from_national_number,
    lu_national_number,
    normalize_national_number,
)


def test_belgian_number_is_validated_and_compacted():
    assert normalize_national_number("85.07.30-033.28", "BE") == "85073003328"
    with pytest.raises(InvalidNationalNumber):
        normalize_national_number("85073003329", "BE")


def test_belgian_number_carries_birthdate():
    assert birthdate_from_national_number("85073003328", "BE") == date(1985, 7, 30)


def test_french_nir():
    assert normalize_national_number("2 95 10 99 126 111 93", "FR") == "295109912611193"
    with pytest.raises(InvalidNationalNumber):
        normalize_national_number("295109912611194", "FR")


def test_luxembourg_matricule_checks_both_digits():
    number = lu_national_number(date(2022, 3, 14), 123)
    assert len(number) == 13
    assert normalize_national_number(number, "LU") == number
    assert birthdate_from_national_number(number, "LU") == date(2022, 3, 14)
    wrong_luhn = number[:11] + str((int(number[11]) + 1) % 10) + number[12]
    with pytest.raises(InvalidNationalNumber):
        normalize_national_number(wrong_luhn, "LU")
    with pytest.raises(InvalidNationalNumber):
        normalize_national_number("2022131412300", "LU")  # month 13


def test_unknown_country_is_only_stripped():
    assert normalize_national_number(" AB 12 ", "DE") == "AB12"
    assert normalize_national_number("", "BE") is False


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2024, 1, 15), date(2024, 1, 15), 0),
        (date(2024, 1, 15), date(2024, 2, 14), 0),
        (date(2024, 1, 15), date(2024, 2, 15), 1),
        (date(2024, 1, 31), date(2025, 1, 30), 11),
        (date(2020, 5, 1), date(2026, 11, 23), 78),
        (date(2026, 12, 1), date(2026, 11, 23), 0),
    ],
)
def test_age_in_months(birth, on, months):
    assert age_in_months(birth, on) == months


def test_built_belgian_numbers_validate():
    for birth in (date(1999, 12, 31), date(2000, 1, 1), date(2024, 5, 6)):
        number = be_national_number(birth, 17)
        assert normalize_national_number(number, "BE") == number
        assert birthdate_from_national_number(number, "BE") == birth
