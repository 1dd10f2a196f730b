"""CODA files written by the tests (Febelfin CODA 2.6, version 2 records of 128 characters), shared by the unit
tests of ``tools/coda.py`` and the Odoo tests of the statement import."""

from datetime import date


def _record(*parts):
    """One 128-character record from ``(position, text)`` parts on a blank line."""
    line = [" "] * 128
    for position, text in parts:
        line[position : position + len(text)] = list(text)
    assert len(line) == 128, "a CODA record is 128 characters"
    return "".join(line)


def _amount(value):
    """15 digits, 3 decimals."""
    return f"{round(abs(value) * 1000):015d}"


def _day(day):
    return day.strftime("%d%m%y")


def coda_file(account, movements, *, day=date(2025, 11, 14), old_balance=1000.0, sequence="042", holder="COMMUNE"):
    """The bytes of a CODA file of one statement of the Belgian IBAN ``account`` on ``day``.

    ``movements``: dicts ``{"amount", "ogm" (12 digits, structured communication type 101) or "text"
    (free communication), "name" (counterparty), "iban" (counterparty account), "info" (a record 3.1)}``.
    """
    lines = [
        # 0 header: zeros, creation date, bank id, application code 05, duplicate flag, ..., version 2
        _record((0, "00000"), (5, _day(day)), (11, "000"), (14, "05"), (16, " "), (34, holder[:26]), (127, "2")),
        # 1 old balance: Belgian IBAN structure (2), paper sequence, account, currency, sign, balance, date
        _record(
            (0, "12"),
            (2, sequence),
            (5, account),
            (39, "EUR"),
            (42, "0" if old_balance >= 0 else "1"),
            (43, _amount(old_balance)),
            (58, _day(day)),
            (64, holder[:26]),
            (90, "Compte courant"),
            (125, "001"),
        ),
    ]
    balance = old_balance
    for number, movement in enumerate(movements, start=1):
        seq = f"{number:04d}"
        amount = movement["amount"]
        balance += amount
        if movement.get("ogm"):
            communication = [(61, "1"), (62, "101"), (65, movement["ogm"])]
        else:
            communication = [(61, "0"), (62, movement.get("text", "")[:53])]
        lines.append(
            _record(
                (0, "21"),
                (2, seq),
                (6, "0000"),
                (10, f"REF{number:018d}"),
                (31, "0" if amount >= 0 else "1"),
                (32, _amount(amount)),
                (47, _day(day)),
                (53, "00150000"),
                *communication,
                (115, _day(day)),
                (121, sequence),
                (124, "0"),
                (125, "1"),
                (127, "1" if movement.get("info") else "0"),
            )
        )
        lines.append(_record((0, "22"), (2, seq), (6, "0000"), (98, "GEBABEBB"), (125, "1"), (127, "0")))
        lines.append(
            _record(
                (0, "23"),
                (2, seq),
                (6, "0000"),
                (10, (movement.get("iban") or "").ljust(34)),
                (44, "EUR"),
                (47, movement.get("name", "")[:35]),
                (125, "0"),
                (127, "1" if movement.get("info") else "0"),
            )
        )
        if movement.get("info"):
            lines.append(
                _record((0, "31"), (2, seq), (6, "0001"), (10, f"REF{number:018d}"), (31, "1"), (40, movement["info"]))
            )
    lines.append(
        _record(
            (0, "8"),
            (1, sequence),
            (4, account),
            (37, "EUR"),
            (41, "0" if balance >= 0 else "1"),
            (42, _amount(balance)),
            (57, _day(day)),
            (127, "0"),
        )
    )
    lines.append(_record((0, "9"), (16, f"{len(lines) - 1:06d}"), (22, "0" * 15), (37, "0" * 15), (127, "2")))
    return ("\r\n".join(lines) + "\r\n").encode("windows-1252")
