#!/usr/bin/env bash
# Refresh the translation files of every suite addon (`make i18n`):
#
# 1. install every installable addon of addons/ in a throw-away database *without demo data*
#    (odoo.conf turns demo data on: demo records must not put their names in the templates);
# 2. export each addon's template, addons/<addon>/i18n/<addon>.pot (`odoo i18n export`);
#    a template whose terms did not change is left as it was (only its date would differ);
# 3. merge the template into i18n/fr.po, nl.po and de.po with gettext's msgmerge: translations
#    are kept, new terms come in untranslated (or "fuzzy" when msgmerge finds a near match, with
#    the previous msgid as a hint), terms gone from the code are dropped; files are written the
#    way Odoo writes them (polib, 78 columns) so that a run only changes what really changed;
# 4. print, per file, how many msgids are untranslated or fuzzy. Odoo loads a fuzzy msgstr like
#    any other: translate or confirm them (tests/unit/test_translations.py fails until then).
#
# Idempotent; the database (and its filestore) is dropped at the end, and nothing is written
# outside the addons' i18n/ folders. Environment: I18N_DB (database name, dropped if it exists),
# I18N_LANGS (default "fr nl de"), PYTHON (default .venv/bin/python, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."

# The project virtual environment's Python when there is one (make passes it), else python3.
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    [ -x .venv/bin/python ] && PYTHON=.venv/bin/python
fi
DB=${I18N_DB:-civic_childcare_i18n}
read -r -a LANGS <<<"${I18N_LANGS:-fr nl de}"
ODOO=("$PYTHON" -m odoo)

log() { printf '\033[1m[i18n]\033[0m %s\n' "$*"; }

if ! command -v msgmerge >/dev/null 2>&1; then
    log "installing gettext (msgmerge)"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gettext >/dev/null
fi

# The installable suite addons (as tests/run.py finds them).
mapfile -t ADDONS < <("$PYTHON" - <<'EOF'
import ast
from pathlib import Path

for manifest in sorted(Path("addons").glob("*/__manifest__.py")):
    if ast.literal_eval(manifest.read_text(encoding="utf-8")).get("installable", True):
        print(manifest.parent.name)
EOF
)
[ ${#ADDONS[@]} -gt 0 ] || { echo "no addon with a __manifest__.py under addons/" >&2; exit 1; }
ADDONS_CSV=$(IFS=,; echo "${ADDONS[*]}")

WORK=$(mktemp -d)
drop_db() {
    if psql -d postgres -tAc "select 1 from pg_database where datname='$DB'" 2>/dev/null | grep -q 1; then
        "${ODOO[@]}" db -c odoo.conf drop "$DB" >/dev/null 2>&1 || psql -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
    fi
}
cleanup() {
    drop_db
    rm -rf "$WORK"
}
trap cleanup EXIT

drop_db
log "installing $ADDONS_CSV without demo data in the throw-away database $DB"
"${ODOO[@]}" -c odoo.conf -d "$DB" -i "$ADDONS_CSV" --without-demo=True --no-http --stop-after-init --log-level=warn
demo=$(psql -d "$DB" -tAc "select count(*) from ir_module_module where demo")
[ "$demo" = 0 ] || { echo "demo data was installed in $DB: the templates would carry demo terms" >&2; exit 1; }

# Keep the current templates to restore those whose terms did not change.
for addon in "${ADDONS[@]}"; do
    pot="addons/$addon/i18n/$addon.pot"
    if [ -f "$pot" ]; then cp "$pot" "$WORK/$addon.pot.old"; fi
done
log "exporting the templates"
if ! "${ODOO[@]}" i18n export -c odoo.conf -d "$DB" "${ADDONS[@]}" >"$WORK/export.log" 2>&1; then
    cat "$WORK/export.log" >&2
    exit 1
fi
grep -E ' (WARNING|ERROR|CRITICAL) ' "$WORK/export.log" || true

log "merging into: ${LANGS[*]}"
"$PYTHON" - "$WORK" "${ADDONS[@]}" -- "${LANGS[@]}" <<'EOF'
"""Restore unchanged templates, msgmerge every <lang>.po, write it the way Odoo does, report."""

import subprocess
import sys
from pathlib import Path

import polib

work = Path(sys.argv[1])
sep = sys.argv.index("--")
addons, langs = sys.argv[2:sep], sys.argv[sep + 1 :]
# Plural forms of the gettext catalogues (Odoo's own files use the same).
PLURALS = {"fr": "nplurals=2; plural=n > 1;", "nl": "nplurals=2; plural=n != 1;", "de": "nplurals=2; plural=n != 1;"}
DATES = ("POT-Creation-Date", "PO-Revision-Date")


def terms(po):
    """What a template says, without its dates."""
    return [(e.msgid, e.msgctxt, e.comment, e.occurrences) for e in po], {
        k: v for k, v in po.metadata.items() if k not in DATES
    }


def write_if_changed(path, po):
    text = str(po)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        return True
    return False


rows = []
for addon in addons:
    i18n = Path("addons", addon, "i18n")
    pot_path = i18n / f"{addon}.pot"
    if not pot_path.exists() or not pot_path.stat().st_size:
        pot_path.unlink(missing_ok=True)  # Odoo leaves an empty file when an addon has no term
        print(f"{addon}: no translatable term, no template")
        continue
    old = work / f"{addon}.pot.old"
    pot = polib.pofile(str(pot_path), wrapwidth=78)
    if old.exists() and terms(polib.pofile(str(old))) == terms(pot):
        pot_path.write_bytes(old.read_bytes())  # same terms: keep the file (and its date) as it was
        pot_state = "unchanged"
    else:
        pot_state = "updated"
    print(f"{pot_path}: {len(pot)} msgids ({pot_state})")
    for lang in langs:
        po_path = i18n / f"{lang}.po"
        if po_path.exists():
            state = "merged"
        else:
            # a new language starts from the template, with Odoo's header
            new = polib.pofile(str(pot_path), wrapwidth=78)
            new.metadata.update({"Language": lang, "Plural-Forms": PLURALS.get(lang, "")})
            po_path.write_text(str(new), encoding="utf-8")
            state = "created"
        merged = work / f"{addon}.{lang}.po"
        subprocess.run(
            ["msgmerge", "--quiet", "--previous", f"--lang={lang}", "-o", str(merged), str(po_path), str(pot_path)],
            check=True,
        )
        po = polib.pofile(str(merged), wrapwidth=78)
        for entry in po.obsolete_entries():
            po.remove(entry)
        changed = write_if_changed(po_path, po)
        if state == "merged":
            state = "updated" if changed else "unchanged"
        untranslated = sum(1 for e in po if not e.translated() and "fuzzy" not in e.flags)
        fuzzy = len(po.fuzzy_entries())
        rows.append((str(po_path), len(po), untranslated, fuzzy, state))

if rows:
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'file':<{width}}  msgids  untranslated  fuzzy")
    for path, total, untranslated, fuzzy, state in rows:
        print(f"{path:<{width}}  {total:>6}  {untranslated:>12}  {fuzzy:>5}  ({state})")
    todo = sum(r[2] + r[3] for r in rows)
    print(f"{todo} msgid(s) to translate or confirm" if todo else "every msgid is translated")
EOF
