"""Belgian CODA statements (Febelfin) → the statement values OCA's ``account_statement_import_file`` imports.
Pure functions on the ``pycoda`` parser (import name ``coda``): no environment, no records.

``parse_coda(data) -> [(currency, account_number, [statement, ...]), ...]``: one triplet per statement of
the file (a CODA file may hold the statements of several accounts), in the format of OCA's
``account.statement.import._parse_file``: each statement ``{"name", "date", "balance_start",
"balance_end_real", "transactions"}``, each transaction ``{"payment_ref", "date", "amount", "ref",
"unique_import_id", "partner_name", "account_number", "narration", "childcare_bank_reference"}``.

Records (DOMAIN.md §6): 0 header, 1 old balance (account, currency), 2.1/2.2/2.3 a movement (2.1: amount,
dates and the communication; flag 1 = structured, then its type, ``101``/``102`` followed by the 12 digits
of a Belgian structured communication), 3.x extra information, 8 new balance, 9 trailer. A structured
communication of type 101/102 becomes the payment reference ``+++ddd/dddd/ddddd+++`` of the line and its
``childcare_bank_reference``. Globalised movements (a total followed by its details) import their details.

A file that is not CODA raises :class:`NotCoda` (the import tries the next format); a CODA file that
cannot be read raises :class:`CodaError`.
"""

import re
from datetime import date

from coda.parser import CodaParserException, Parser
from coda.statement import AmountSign, MovementRecordType

#: structured communication types that carry a Belgian structured communication (OGM/VCS)
OGM_TYPES = ("101", "102")
_OGM_DIGITS = re.compile(r"\+{3}(\d{3})/(\d{4})/(\d{5})\+{3}")


class NotCoda(ValueError):
    """The data is not a CODA file."""


class CodaError(Exception):
    """The data looks like a CODA file but cannot be read."""


def is_coda(data):
    """True when ``data`` (bytes) starts as a CODA file does (the first 24 characters of record 0)."""
    return Parser().is_valid_coda(data[:128].decode("windows-1252", "replace"))


def format_ogm(digits):
    """``"020343057642"`` → ``"+++020/3430/57642+++"``."""
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def parse_coda(data):
    """The triplets ``(currency, account_number, statements)`` of the CODA file ``data`` (bytes)."""
    if not isinstance(data, bytes) or not is_coda(data):
        raise NotCoda("not a CODA file")
    try:
        statements = Parser().parse(data)
    except CodaParserException as error:
        raise CodaError(f"{error.code.strip()}: {error.msg.strip()}") from error
    except (ValueError, IndexError, AttributeError, UnicodeDecodeError) as error:
        raise CodaError(str(error)) from error
    result = []
    for statement in statements:
        if not statement.acc_number or not statement.currency:
            raise CodaError("record 1 (old balance) with the account and its currency is missing")
        result.append((statement.currency, statement.acc_number, [_statement_values(statement)]))
    return result


def _date(value):
    return date.fromisoformat(value) if value else None


def _signed(amount, sign):
    amount = round(amount or 0.0, 2)
    return -amount if sign == AmountSign.DEBIT else amount


def _statement_values(statement):
    day = _date(statement.new_balance_date) or _date(statement.creation_date)
    informations = {}
    for info in statement.informations:
        informations.setdefault(info.ref_move, []).append(info.communication)
    transactions = []
    movements = [move for move in statement.movements if move.type != MovementRecordType.GLOBALISATION]
    for sequence, move in enumerate(movements, start=1):
        transaction = _transaction_values(move, informations.get(move.ref_move, []), day)
        transaction["sequence"] = sequence
        transaction["unique_import_id"] = "-".join(
            (
                statement.coda_seq_number or "",
                statement.old_balance_date or "",
                statement.new_balance_date or "",
                move.ref or "",
                move.transaction_ref or "",
                move.transaction_date or "",
            )
        )
        transactions.append(transaction)
    values = {
        "name": f"{day.year}/{statement.paper_seq_number}" if day else statement.paper_seq_number,
        "date": day,
        "balance_start": _signed(statement.old_balance, statement.old_balance_amount_sign),
        "transactions": transactions,
    }
    if statement.new_balance is not None:
        values["balance_end_real"] = _signed(statement.new_balance, statement.new_balance_amount_sign)
    return values


def _transaction_values(move, informations, day):
    communication = move.communication or ""
    reference = None
    if move.communication_is_structured:
        digits = _OGM_DIGITS.match(communication)
        if move.communication_type in OGM_TYPES and digits:
            reference = format_ogm("".join(digits.groups()))
            communication = reference
        else:
            # another structured type (e.g. 105 or 127 details): its digits as the bank gave them
            communication = re.sub(r"[+/]", "", communication[:21]) + communication[21:]
    # the narration holds what the bank said, one value per line (no labels: the reader's language is
    # not known here): counterparty, its account, its address, the communication and extra information
    note = [
        text
        for text in (move.counterparty_name, move.counterparty_number, move.counterparty_address, communication)
        if text
    ]
    note += [text for text in informations if text]
    return {
        "payment_ref": communication or move.ref,
        "date": _date(move.entry_date) or day,
        "amount": _signed(move.transaction_amount, move.transaction_amount_sign),
        "ref": move.ref,
        "partner_name": move.counterparty_name or None,
        "account_number": move.counterparty_number or None,
        "narration": "\n".join(note) or None,
        "childcare_bank_reference": reference,
    }
