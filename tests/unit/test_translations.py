"""Every suite addon ships complete French, Dutch and German translations.

For each addon of ``addons/`` with a ``__manifest__.py``: ``i18n/fr.po``, ``nl.po`` and ``de.po``
exist, every msgid of the addon's template ``i18n/<addon>.pot`` has a non-empty msgstr that is not
marked fuzzy (Odoo would show a fuzzy guess as if it were a translation), and the msgstr keeps the
placeholders of the msgid (``%s``, ``%d``, ``%(name)s``, ``%%``), or formatting the message fails or
loses a value at run time.

Database-free, and without Odoo: the files are read with polib when it is importable (Odoo requires
it), else with the small reader below. ``make i18n`` (scripts/i18n.sh) refreshes the templates and
merges them into the .po files; it prints what is left to translate.
"""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

try:
    import polib
except ImportError:  # pragma: no cover - polib is one of Odoo's requirements
    polib = None

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ROOT / "addons"
LANGS = ("fr", "nl", "de")
#: printf-style placeholders of Odoo's Python and JavaScript messages, and the escaped percent sign
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?(?:\.\d+)?[sdf]|%%")


class Entry:
    __slots__ = ("flags", "msgctxt", "msgid", "msgstr", "obsolete")

    def __init__(self, flags, obsolete):
        self.msgctxt, self.msgid, self.msgstr, self.flags, self.obsolete = None, "", "", flags, obsolete


def _read_po(path):
    """Minimal PO reader for the singular messages Odoo writes: every entry, the header included."""
    entries, entry, field, flags = [], None, None, []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line, obsolete = raw.strip(), raw.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue
        elif line.startswith("#,"):
            flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            continue
        if not line or (line.startswith("#") and not obsolete):
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (entry is None or field == "msgstr"):
            entry, flags = Entry(flags, obsolete), []
            entries.append(entry)
        if keyword in ("msgctxt", "msgid", "msgstr") and entry is not None:
            field = keyword
            setattr(entry, field, ast.literal_eval(rest))
        elif line.startswith('"') and field:
            setattr(entry, field, getattr(entry, field) + ast.literal_eval(line))
        else:
            raise AssertionError(f"{path}:{number}: unexpected line (plural forms are not expected): {raw}")
    return entries


def _header(path):
    """The metadata of a .po file: {'Language': 'fr', ...}."""
    if polib:
        return polib.pofile(str(path)).metadata
    header = next((e for e in _read_po(path) if e.msgid == "" and not e.obsolete), None)
    lines = header.msgstr.splitlines() if header else []
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def read_entries(path):
    """{(msgctxt, msgid): (msgstr, is_fuzzy)} of the live (not obsolete) messages of a .po/.pot file."""
    entries = polib.pofile(str(path)) if polib else _read_po(path)
    return {(e.msgctxt, e.msgid): (e.msgstr, "fuzzy" in e.flags) for e in entries if e.msgid and not e.obsolete}


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


def suite_addons():
    return sorted(manifest.parent.name for manifest in ADDONS.glob("*/__manifest__.py"))


CASES = [pytest.param(addon, lang, id=f"{addon}-{lang}") for addon in suite_addons() for lang in LANGS]


def _short(msgid, width=100):
    msgid = " ".join(msgid.split())
    return msgid if len(msgid) <= width else msgid[: width - 1] + "…"


def test_the_suite_has_addons():
    assert suite_addons(), f"no addon with a __manifest__.py under {ADDONS}"


@pytest.mark.parametrize("addon", suite_addons())
def test_addon_has_a_template(addon):
    pot = ADDONS / addon / "i18n" / f"{addon}.pot"
    assert pot.is_file(), f"{pot.relative_to(ROOT)} is missing: run 'make i18n'"
    assert read_entries(pot), f"{pot.relative_to(ROOT)} has no msgid: run 'make i18n'"


@pytest.mark.parametrize(("addon", "lang"), CASES)
def test_po_file_exists_for_its_language(addon, lang):
    po = ADDONS / addon / "i18n" / f"{lang}.po"
    assert po.is_file(), f"{po.relative_to(ROOT)} is missing: run 'make i18n', then translate it"
    assert _header(po).get("Language") == lang, f"{po.relative_to(ROOT)}: header 'Language: {lang}' expected"


@pytest.mark.parametrize(("addon", "lang"), CASES)
def test_every_msgid_is_translated(addon, lang):
    i18n = ADDONS / addon / "i18n"
    pot, po = i18n / f"{addon}.pot", i18n / f"{lang}.po"
    if not (pot.is_file() and po.is_file()):
        pytest.fail(f"{pot.relative_to(ROOT)} or {po.relative_to(ROOT)} is missing")
    translations = read_entries(po)
    missing, empty, fuzzy = [], [], []
    for key in read_entries(pot):
        if key not in translations:
            missing.append(key[1])
        elif not translations[key][0].strip():
            empty.append(key[1])
        elif translations[key][1]:
            fuzzy.append(key[1])
    problems = [
        f"{len(msgids)} {what}:\n" + "\n".join(f"  - {_short(msgid)}" for msgid in msgids)
        for what, msgids in (
            ("msgid(s) missing (run 'make i18n')", missing),
            ("msgid(s) untranslated", empty),
            ("msgid(s) fuzzy (check the translation, then remove the fuzzy flag)", fuzzy),
        )
        if msgids
    ]
    assert not problems, f"{po.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("addon", "lang"), CASES)
def test_translations_keep_the_placeholders(addon, lang):
    po = ADDONS / addon / "i18n" / f"{lang}.po"
    if not po.is_file():
        pytest.fail(f"{po.relative_to(ROOT)} is missing")
    wrong = [
        f"  - {_short(msgid)}\n    msgid {dict(placeholders(msgid))} != msgstr {dict(placeholders(msgstr))}"
        for (_ctxt, msgid), (msgstr, _fuzzy) in read_entries(po).items()
        if msgstr and placeholders(msgid) != placeholders(msgstr)
    ]
    assert not wrong, f"{po.relative_to(ROOT)}: placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%(child)s is %(age)s months old", {"%(child)s": 1, "%(age)s": 1}),
        ("Line %s of %d: 100 %%", {"%s": 1, "%d": 1, "%%": 1}),
        ("A share lies between 0 and 100 %.", {}),
    ],
)
def test_placeholder_pattern(text, expected):
    assert placeholders(text) == Counter(expected)


SAMPLE_PO = r"""# Translation of Odoo Server.
msgid ""
msgstr ""
"Language: de\n"
"Content-Type: text/plain; charset=UTF-8\n"

#. module: childcare_base
#: code:addons/childcare_base/models/childcare_child.py:0
msgid ""
"The birthdate of %(child)s (%(date)s) "
"lies in the future."
msgstr ""
"Das Geburtsdatum von %(child)s (%(date)s) "
"liegt in der \"Zukunft\".\n"

#. module: childcare_base
#, fuzzy
#| msgid "Old text"
msgctxt "ctx"
msgid "New text"
msgstr "Neuer Text"

#~ msgid "Gone"
#~ msgstr "Weg"
"""


def test_small_reader(tmp_path):
    path = tmp_path / "de.po"
    path.write_text(SAMPLE_PO, encoding="utf-8")
    header, first, second, gone = _read_po(path)
    assert (header.msgid, header.msgstr) == ("", "Language: de\nContent-Type: text/plain; charset=UTF-8\n")
    assert first.msgid == "The birthdate of %(child)s (%(date)s) lies in the future."
    assert first.msgstr == 'Das Geburtsdatum von %(child)s (%(date)s) liegt in der "Zukunft".\n'
    assert (first.flags, second.flags) == ([], ["fuzzy"])
    assert (second.msgctxt, second.msgid, second.msgstr) == ("ctx", "New text", "Neuer Text")
    assert (gone.msgid, gone.msgstr, gone.obsolete, second.obsolete) == ("Gone", "Weg", True, False)


def test_small_reader_agrees_with_polib():
    """The fallback reader reads the suite's files as polib does (when polib is there to compare)."""
    if polib is None:
        pytest.skip("polib is not importable")
    for po in sorted(ADDONS.glob("*/i18n/*.po*")):
        theirs = [(e.msgctxt, e.msgid, e.msgstr, "fuzzy" in e.flags, bool(e.obsolete)) for e in polib.pofile(str(po))]
        mine = [(e.msgctxt, e.msgid, e.msgstr, "fuzzy" in e.flags, e.obsolete) for e in _read_po(po) if e.msgid]
        assert mine == theirs, po
