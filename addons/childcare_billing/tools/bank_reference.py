"""Structured payment references in what a bank statement line says. Pure functions: no environment.

A payer's transfer carries the invoice's structured reference either in the field the bank reserves for it
(CAMT ``RmtInf/Strd/CdtrRefInf/Ref``, CODA's structured communication) or typed in the free text
(``+++020/3430/57642+++``, ``***020/3430/57642***``, ``RF18 5390 0754 7034``). Two kinds are matched:
the Belgian structured communication (OGM/VCS, 12 digits, modulo 97) and the ISO 11649 creditor reference
(``RF`` + 2 check digits + up to 21 characters). Normalising and validating are Odoo's own
(``odoo.addons.account.tools.structured_reference``); this module only finds the candidates in a text.

``normalise(reference)``: the compact form both sides are compared in (``020343057642``,
``RF18539007547034``); ``find_reference(*texts)``: ``(normalised reference, is_valid)`` of the first
reference found, ``(None, False)`` when the texts carry none.
"""

import importlib
import re

#: a Belgian structured communication in free text: +++ddd/dddd/ddddd+++ or ***ddd/dddd/ddddd***
_OGM = re.compile(r"(\+{3}|\*{3})\s*(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})\s*(\+{3}|\*{3})")
#: an ISO 11649 creditor reference in free text (RF, 2 check digits, 1 to 21 characters, maybe grouped)
_RF = re.compile(r"(?<![0-9A-Za-z])RF\d{2}(?:\s?[0-9A-Za-z]){1,21}", re.IGNORECASE)
#: a text that is nothing but a Belgian structured communication, with or without its separators
_OGM_ONLY = re.compile(r"[+*]{0,3}(\d{3})/?(\d{4})/?(\d{5})[+*]{0,3}")


def _odoo():
    """Odoo's ``account/tools/structured_reference.py``, imported when first used: Odoo's own addons are on
    the addons path once the server (or a unit test) has set it up, not necessarily when this module loads."""
    return importlib.import_module("odoo.addons.account.tools.structured_reference")


def normalise(reference):
    """The compact, upper-case form of a structured reference (Odoo's sanitizing): ``+++020/3430/57642+++``
    → ``020343057642``, ``rf18 5390 0754 7034`` → ``RF18539007547034``; ``""`` for nothing."""
    if not reference:
        return ""
    compact = _odoo().sanitize_structured_reference(reference).upper()
    only = _OGM_ONLY.fullmatch(compact)
    return "".join(only.groups()) if only else compact


def kind(reference):
    """``"be"`` or ``"iso"`` for a valid structured reference (any form), else ``None``."""
    compact = normalise(reference)
    if not compact:
        return None
    if compact.startswith("RF"):
        return "iso" if _odoo().is_valid_structured_reference_iso(compact) else None
    return "be" if _odoo().is_valid_structured_reference_be(compact) else None


def variants(reference):
    """The forms an invoice may store the normalised ``reference`` in (its ``payment_reference``), for a
    database search: ``+++ddd/dddd/ddddd+++``, ``***ddd/dddd/ddddd***`` and the digits; an RF reference
    compact and in groups of four (Odoo's ``format_structured_reference_iso``)."""
    compact = normalise(reference)
    if not compact:
        return []
    if compact.startswith("RF"):
        grouped = " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))
        return [compact, grouped]
    if len(compact) == 12 and compact.isdigit():
        slashed = f"{compact[:3]}/{compact[3:7]}/{compact[7:]}"
        return [f"+++{slashed}+++", f"***{slashed}***", slashed, compact]
    return [compact]


def _candidates(text):
    """Possible structured references in ``text``, in the order they appear: (compact form, shorter forms
    to try when it is not valid)."""
    found = []
    only = normalise(text)
    if _OGM_ONLY.fullmatch(re.sub(r"\s", "", text)):
        found.append((0, [only]))
    for match in _OGM.finditer(text):
        found.append((match.start(), ["".join(match.groups()[1:4])]))
    for match in _RF.finditer(text):
        compact = re.sub(r"\s", "", match.group()).upper()
        # the reference may run into the next word ("RF18 5390 0754 7034 OCTOBER"): longest valid prefix
        found.append((match.start(), [compact[:length] for length in range(len(compact), 4, -1)]))
    return [forms for _start, forms in sorted(found, key=lambda item: item[0])]


def find_reference(*texts):
    """``(normalised, True)`` for the first valid structured reference of ``texts`` (checked in order),
    else ``(normalised, False)`` for the first one that looks structured but fails its check digits,
    else ``(None, False)``."""
    invalid = None
    for text in texts:
        if not text:
            continue
        for forms in _candidates(text):
            for form in forms:
                if kind(form):
                    return normalise(form), True
            if invalid is None:
                invalid = normalise(forms[0])
    return (invalid, False) if invalid else (None, False)
