#!/usr/bin/env bash
# Idempotent set-up of everything `make run` and `make test` need on a fresh Debian machine:
# system packages, a running PostgreSQL with a role for the current user, Python dependencies
# and Odoo 19.0 Community (used as is when importable, else installed from ODOO_SOURCE or the
# official 19.0 source archive).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
ODOO_ARCHIVE_URL=${ODOO_ARCHIVE_URL:-https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz}
CACHE_DIR=${CIVIC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/civic-childcare}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- 1. System packages (Debian) -------------------------------------------------------------
need_pkgs=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_pkgs+=(postgresql postgresql-contrib)
command -v pg_config >/dev/null 2>&1 || need_pkgs+=(libpq-dev)
command -v wkhtmltopdf >/dev/null 2>&1 || need_pkgs+=(wkhtmltopdf)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_pkgs+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_pkgs+=(fonts-dejavu-core)
[ -f /usr/include/ldap.h ] || need_pkgs+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || need_pkgs+=(libsasl2-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing Debian packages: ${need_pkgs[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# --- 2. PostgreSQL running, with a superuser role for the current user -----------------------
if ! pg_isready -q 2>/dev/null; then
    cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
        log "creating a PostgreSQL cluster"
        $SUDO pg_createcluster 15 main >/dev/null
        cluster="15 main"
    fi
    log "starting PostgreSQL ($cluster)"
    # shellcheck disable=SC2086
    $SUDO pg_ctlcluster $cluster start
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
fi
me=$(id -un)
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
    log "creating PostgreSQL role '$me'"
    runuser_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres "$@"; fi; }
    runuser_pg "psql -qc \"CREATE ROLE \\\"$me\\\" LOGIN SUPERUSER\"" || true
fi

# --- 3. Odoo 19.0 Community ------------------------------------------------------------------
odoo_version() { "$PYTHON" -c 'import odoo.release as r; print(r.version)' 2>/dev/null || true; }
install_odoo_tree() {
    local tree=$1
    [ -f "$tree/odoo/release.py" ] && [ -f "$tree/requirements.txt" ] || {
        echo "ODOO_SOURCE '$tree' is not an Odoo source tree (no odoo/release.py)" >&2; exit 1; }
    log "installing Odoo's Python requirements from $tree"
    # Odoo pins cbor2==5.4.2 for Python < 3.12, which has no wheel for 3.11: take the nearest that has.
    sed -e 's/^cbor2==5\.4\.2 /cbor2==5.4.6 /' "$tree/requirements.txt" > "$CACHE_DIR/odoo-requirements.txt"
    "$PYTHON" -m pip install -q -r "$CACHE_DIR/odoo-requirements.txt"
    log "installing Odoo (editable) from $tree"
    "$PYTHON" -m pip install -q --no-deps -e "$tree"
}
mkdir -p "$CACHE_DIR"
ver=$(odoo_version)
case "$ver" in
    19.0*) log "Odoo $ver is importable: used as is" ;;
    *)
        src=${ODOO_SOURCE:-}
        if [ -n "$src" ] && [ -d "$src" ]; then
            install_odoo_tree "$(cd "$src" && pwd)"
        else
            archive=$src
            if [ -z "$archive" ]; then
                archive="$CACHE_DIR/odoo_19.0.tar.gz"
                if [ ! -s "$archive" ]; then
                    log "downloading the official Odoo 19.0 source archive"
                    if ! curl -fsSL --retry 2 -o "$archive.part" "$ODOO_ARCHIVE_URL"; then
                        rm -f "$archive.part"
                        echo "ERROR: Odoo 19.0 is not importable and the official archive could not be downloaded." >&2
                        echo "Set ODOO_SOURCE to a local Odoo 19.0 Community source tree or archive (.tar.gz/.zip)." >&2
                        exit 1
                    fi
                    mv "$archive.part" "$archive"
                fi
            fi
            [ -f "$archive" ] || { echo "ERROR: ODOO_SOURCE '$archive' is neither a directory nor an archive." >&2
                                   echo "Set ODOO_SOURCE to a local Odoo 19.0 Community source tree or archive." >&2; exit 1; }
            dest="$CACHE_DIR/odoo-19.0"
            rm -rf "$dest" && mkdir -p "$dest"
            log "extracting $archive"
            case "$archive" in
                *.zip) tmp=$(mktemp -d); unzip -q "$archive" -d "$tmp"; mv "$tmp"/*/* "$dest"/; rm -rf "$tmp" ;;
                *) tar -xf "$archive" -C "$dest" --strip-components=1 ;;
            esac
            install_odoo_tree "$dest"
        fi
        ver=$(odoo_version)
        case "$ver" in 19.0*) log "Odoo $ver installed" ;;
            *) echo "ERROR: Odoo 19.0 still not importable after installing (ODOO_SOURCE=${ODOO_SOURCE:-unset})." >&2; exit 1 ;;
        esac
        ;;
esac

# --- 4. The suite's own Python dependencies --------------------------------------------------
if ! "$PYTHON" - <<'PY' 2>/dev/null
import importlib.util, sys
mods = ["qrcode", "num2words", "xlsxwriter", "psycopg2", "phonenumbers", "stdnum", "websocket", "pytest", "ruff"]
sys.exit(0 if all(importlib.util.find_spec(m) for m in mods) else 1)
PY
then
    log "installing requirements.txt"
    "$PYTHON" -m pip install -q -r requirements.txt
fi
log "ready: Odoo $ver, PostgreSQL $(psql -d postgres -tAc 'show server_version' | cut -d' ' -f1)"
