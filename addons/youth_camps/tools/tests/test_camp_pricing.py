"""Camp prices (tools/camp_pricing.py), without a database: ticket, partial week, sibling reduction, refunds."""

from datetime import date

import pytest

from odoo.addons.youth_camps.tools.camp_pricing import camp_days, refund_amount, registration_price, sibling_ranks


def test_camp_days_are_weekdays():
    monday = date(2026, 7, 6)
    assert camp_days(monday, date(2026, 7, 10)) == [date(2026, 7, d) for d in range(6, 11)]
    assert camp_days(monday, date(2026, 7, 12)) == [date(2026, 7, d) for d in range(6, 11)]
    assert camp_days(date(2026, 7, 11), date(2026, 7, 12)) == [date(2026, 7, 11), date(2026, 7, 12)]
    assert camp_days(date(2026, 7, 10), monday) == []
    assert camp_days(None, monday) == []


def test_ticket_and_sibling_reduction():
    assert registration_price(ticket_price=100.0, days=5, full_days=5) == {
        "quantity": 1.0,
        "unit_price": 100.0,
        "discount": 0.0,
        "amount": 100.0,
        "basis": "camp",
    }
    assert (
        registration_price(ticket_price=100.0, days=5, full_days=5, sibling_rank=2, sibling_reduction=10)["amount"]
        == 90.0
    )
    # the first child never gets it, the third as the second
    assert (
        registration_price(ticket_price=150.0, days=5, full_days=5, sibling_rank=1, sibling_reduction=10)["amount"]
        == 150.0
    )
    assert (
        registration_price(ticket_price=33.33, days=5, full_days=5, sibling_rank=3, sibling_reduction=15)["amount"]
        == 28.33
    )


def test_partial_week_at_the_day_price():
    price = registration_price(ticket_price=100.0, days=3, full_days=5, partial_weeks=True, day_price=22.5)
    assert (price["quantity"], price["unit_price"], price["amount"], price["basis"]) == (3.0, 22.5, 67.5, "days")
    # never more than the ticket; a full week or a camp without partial weeks pays the ticket
    assert (
        registration_price(ticket_price=100.0, days=4, full_days=5, partial_weeks=True, day_price=30)["amount"] == 100
    )
    assert (
        registration_price(ticket_price=100.0, days=5, full_days=5, partial_weeks=True, day_price=15)["amount"] == 100
    )
    assert registration_price(ticket_price=100.0, days=3, full_days=5, day_price=22.5)["amount"] == 100
    # with the sibling reduction on top
    price = registration_price(
        ticket_price=100.0,
        days=3,
        full_days=5,
        partial_weeks=True,
        day_price=22.5,
        sibling_rank=2,
        sibling_reduction=10,
    )
    assert price["amount"] == 60.75


def test_bad_values():
    with pytest.raises(ValueError):
        registration_price(ticket_price=-1.0, days=5, full_days=5)
    with pytest.raises(ValueError):
        registration_price(ticket_price=100.0, days=5, full_days=5, sibling_reduction=101)


def test_sibling_ranks_and_refunds():
    assert sibling_ranks([7, 3, 7, 9]) == {7: 1, 3: 2, 9: 3}
    assert sibling_ranks([]) == {}
    assert refund_amount(90.0, 0.0, 1.0) == 90.0
    assert refund_amount(90.0, 90.0, 1.0) == 0.0
    assert refund_amount(90.0, 0.0, 0.0) == 0.0
    assert refund_amount(90.0, 100.0, 1.0) == 0.0
