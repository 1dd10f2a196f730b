"""Camp prices as plain values: the same formula for the invoice, the portal and the attestations.

No environment, no records: dates, floats and dicts in, dicts out (rounded to the cent).
"""

from datetime import timedelta


def camp_days(first, last):
    """The days of care between ``first`` and ``last`` (inclusive): Monday to Friday; a camp that only runs on
    weekend days keeps them."""
    if not first or not last or last < first:
        return []
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5] or days


def sibling_ranks(items):
    """{child key: rank} of the children of one request, 1 for the first child: the order of ``items``
    (an iterable of child keys, already in the family's order), each child counted once."""
    ranks = {}
    for child in items:
        if child not in ranks:
            ranks[child] = len(ranks) + 1
    return ranks


def registration_price(
    *,
    ticket_price,
    days,
    full_days,
    partial_weeks=False,
    day_price=0.0,
    sibling_rank=1,
    sibling_reduction=0.0,
):
    """The invoice line of one camp registration: ``{"quantity", "unit_price", "discount", "amount", "basis"}``.

    - the ticket's price (resident or non-resident: the caller chose the ticket) for the whole camp or week;
    - ``partial_weeks``: a registration for fewer days than ``full_days`` pays ``days`` x ``day_price``, never
      more than the ticket's price;
    - from the second child of the family in the same request (``sibling_rank`` >= 2), the camp's
      ``sibling_reduction`` percent off;
    - ``amount`` rounded to the cent as the invoice line rounds it.
    """
    if ticket_price < 0 or day_price < 0:
        raise ValueError("prices cannot be negative")
    if not 0 <= sibling_reduction <= 100:
        raise ValueError("the sibling reduction is a percentage between 0 and 100")
    quantity, unit_price, basis = 1.0, float(ticket_price), "camp"
    if partial_weeks and day_price and 0 < days < full_days and days * day_price < ticket_price:
        quantity, unit_price, basis = float(days), float(day_price), "days"
    discount = float(sibling_reduction) if sibling_rank >= 2 else 0.0
    amount = round(quantity * unit_price * (1 - discount / 100.0) + 1e-9, 2)
    return {"quantity": quantity, "unit_price": unit_price, "discount": discount, "amount": amount, "basis": basis}


def refund_amount(amount_invoiced, amount_refunded, rate):
    """What a cancellation gives back: ``rate`` (1.0 full, 0.0 nothing) of what was invoiced, less what was
    already refunded, never negative, rounded to the cent."""
    return max(round(amount_invoiced * rate - amount_refunded + 1e-9, 2), 0.0)
