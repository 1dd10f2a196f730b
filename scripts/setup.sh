#!/usr/bin/env bash
# Idempotent set-up of everything `make run` and `make test` need on a fresh Debian machine:
# system packages, a running PostgreSQL with a role for the current user, the project virtual
# environment .venv (which sees the machine's site-packages) with the Python dependencies, and
# Odoo 19.0 Community (used as is when importable, else installed into .venv from ODOO_SOURCE or
# from the pinned official 19.0 source archive, verified by its SHA-256).
set -euo pipefail
cd "$(dirname "$0")/.."

# The Python that creates .venv; every later step runs .venv/bin/python.
BASE_PYTHON=${BASE_PYTHON:-python3}
VENV=.venv
PY=$VENV/bin/python
# Official Odoo 19.0 source archive: one dated nightly, never the moving odoo_19.0.latest.tar.gz.
# The archive is extracted only when its SHA-256 equals ODOO_ARCHIVE_SHA256 (sha256sum -c).
# No published SHA-256 of this archive could be found yet: until one is pinned here, set
# ODOO_ARCHIVE_SHA256 yourself from a source you trust, or use ODOO_SOURCE (see README.md).
ODOO_ARCHIVE_URL=${ODOO_ARCHIVE_URL:-https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.20260104.tar.gz}
ODOO_ARCHIVE_SHA256=${ODOO_ARCHIVE_SHA256:-}
CACHE_DIR=${CIVIC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/civic-childcare}

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() {
    printf '\033[1m[setup] ERROR:\033[0m %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '  %s\n' "$line" >&2; done
    exit 1
}

# Root runs system commands directly, anyone else through sudo.
if [ "$(id -u)" = 0 ]; then
    as_root=()
    as_postgres=(runuser -u postgres --)
else
    command -v sudo >/dev/null 2>&1 ||
        die "not root and sudo is not installed: system packages and the PostgreSQL role cannot be set up." \
            "Run 'make' as root once, or install sudo and give $(id -un) sudo rights."
    as_root=(sudo)
    as_postgres=(sudo -u postgres)
fi
apt_install() {
    log "installing Debian packages: $*"
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- 1. System packages (Debian) -------------------------------------------------------------
need_pkgs=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_pkgs+=(postgresql postgresql-contrib)
command -v pg_config >/dev/null 2>&1 || need_pkgs+=(libpq-dev)
command -v wkhtmltopdf >/dev/null 2>&1 || need_pkgs+=(wkhtmltopdf)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_pkgs+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need_pkgs+=(nodejs npm)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_pkgs+=(fonts-dejavu-core)
[ -f /usr/include/ldap.h ] || need_pkgs+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || need_pkgs+=(libsasl2-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    apt_install "${need_pkgs[@]}"
fi

# --- 2. PostgreSQL running, with a superuser role for the current user -----------------------
if ! pg_isready -q 2>/dev/null; then
    cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
        pg_version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
        [ -n "$pg_version" ] || die "PostgreSQL is not installed (no /usr/lib/postgresql/<version>)."
        log "creating a PostgreSQL $pg_version cluster"
        "${as_root[@]}" pg_createcluster "$pg_version" main >/dev/null
        cluster="$pg_version main"
    fi
    log "starting PostgreSQL ($cluster)"
    # shellcheck disable=SC2086 # "$cluster" is "<version> <name>": two arguments
    "${as_root[@]}" pg_ctlcluster $cluster start
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    pg_isready -q || die "PostgreSQL ($cluster) did not start: see /var/log/postgresql/."
fi
me=$(id -un)
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
    log "creating the PostgreSQL superuser role '$me' (as the postgres system user)"
    # From /, which the postgres user can read whatever the current directory is.
    if ! (cd / && "${as_postgres[@]}" createuser --superuser -- "$me"); then
        die "could not create the PostgreSQL role '$me' with: ${as_postgres[*]} createuser --superuser -- $me" \
            "Create it by hand (sudo -u postgres createuser --superuser $me), then run make again."
    fi
    psql -d postgres -tAc "select 1" >/dev/null 2>&1 ||
        die "the PostgreSQL role '$me' exists but '$me' still cannot connect to the database 'postgres':" \
            "$(psql -d postgres -tAc 'select 1' 2>&1 | head -n1)"
fi

# --- 3. The project virtual environment .venv -------------------------------------------------
# --system-site-packages: an Odoo (and any dependency) importable by the machine's python3 is
# used as is; whatever is missing is installed into .venv, never into the system Python.
if ! "$PY" -c "" 2>/dev/null; then
    if ! "$BASE_PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
        # Debian ships venv's pip bootstrap separately.
        apt_install python3-venv
    fi
    log "creating the virtual environment $VENV (--system-site-packages, from $BASE_PYTHON)"
    rm -rf "$VENV"
    "$BASE_PYTHON" -m venv --system-site-packages "$VENV" ||
        die "'$BASE_PYTHON -m venv' failed." "On Debian: apt-get install python3-venv (or set BASE_PYTHON)."
fi

# --- 4. Odoo 19.0 Community -------------------------------------------------------------------
odoo_version() { "$PY" -c 'import odoo.release as r; print(r.version)' 2>/dev/null || true; }
install_odoo_tree() {
    local tree=$1
    if [ ! -f "$tree/odoo/release.py" ] || [ ! -f "$tree/requirements.txt" ]; then
        die "'$tree' is not an Odoo source tree (no odoo/release.py or requirements.txt)."
    fi
    log "installing Odoo's Python requirements from $tree into $VENV"
    # Odoo pins cbor2==5.4.2 for Python < 3.12, which has no wheel for 3.11: take the nearest that has.
    sed -e 's/^cbor2==5\.4\.2 /cbor2==5.4.6 /' "$tree/requirements.txt" >"$CACHE_DIR/odoo-requirements.txt"
    "$PY" -m pip install -q -r "$CACHE_DIR/odoo-requirements.txt"
    log "installing Odoo (editable) from $tree into $VENV"
    "$PY" -m pip install -q --no-deps -e "$tree"
}
fetch_official_archive() {  # sets $archive to the downloaded archive once its SHA-256 is verified
    archive="$CACHE_DIR/$(basename "$ODOO_ARCHIVE_URL")"
    [ -n "$ODOO_ARCHIVE_SHA256" ] ||
        die "Odoo 19.0 is not importable and no SHA-256 is pinned for the official archive" \
            "$ODOO_ARCHIVE_URL" \
            "Set ODOO_ARCHIVE_SHA256 to its SHA-256 taken from a source you trust, or set ODOO_SOURCE" \
            "to a local Odoo 19.0 Community source tree or archive (.tar.gz/.zip)."
    if [ ! -s "$archive" ]; then
        command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
        log "downloading $ODOO_ARCHIVE_URL"
        if ! curl -fsSL --retry 2 -o "$archive.part" "$ODOO_ARCHIVE_URL"; then
            rm -f "$archive.part"
            die "Odoo 19.0 is not importable and $ODOO_ARCHIVE_URL could not be downloaded." \
                "Set ODOO_SOURCE to a local Odoo 19.0 Community source tree or archive (.tar.gz/.zip)," \
                "or ODOO_ARCHIVE_URL and ODOO_ARCHIVE_SHA256 to another dated 19.0 archive."
        fi
        mv "$archive.part" "$archive"
    fi
    if ! printf '%s  %s\n' "$ODOO_ARCHIVE_SHA256" "$archive" | sha256sum --check --quiet --strict -; then
        local actual
        actual=$(sha256sum "$archive" | cut -d' ' -f1)
        rm -f "$archive"
        die "SHA-256 mismatch for $ODOO_ARCHIVE_URL: the archive was deleted, nothing was installed." \
            "expected $ODOO_ARCHIVE_SHA256" \
            "got      $actual"
    fi
    log "SHA-256 of $(basename "$archive") verified"
}
mkdir -p "$CACHE_DIR"
ver=$(odoo_version)
case "$ver" in
    19.0*) log "Odoo $ver is importable by $PY: used as is" ;;
    *)
        src=${ODOO_SOURCE:-}
        if [ -n "$src" ] && [ -d "$src" ]; then
            install_odoo_tree "$(cd "$src" && pwd)"
        else
            if [ -n "$src" ]; then
                [ -f "$src" ] ||
                    die "ODOO_SOURCE '$src' is neither a directory nor an archive." \
                        "Set ODOO_SOURCE to a local Odoo 19.0 Community source tree or archive (.tar.gz/.zip)."
                archive=$src # a local archive chosen by the user: used as given
            else
                fetch_official_archive
            fi
            dest="$CACHE_DIR/odoo-19.0"
            rm -rf "$dest" && mkdir -p "$dest"
            log "extracting $archive"
            case "$archive" in
                *.zip)
                    command -v unzip >/dev/null 2>&1 || apt_install unzip
                    tmp=$(mktemp -d)
                    unzip -q "$archive" -d "$tmp"
                    (shopt -s dotglob && mv "$tmp"/*/* "$dest"/)
                    rm -rf "$tmp"
                    ;;
                *) tar -xf "$archive" -C "$dest" --strip-components=1 ;;
            esac
            install_odoo_tree "$dest"
        fi
        ver=$(odoo_version)
        case "$ver" in
            19.0*) log "Odoo $ver installed into $VENV" ;;
            *) die "Odoo 19.0 still not importable by $PY after installing (ODOO_SOURCE=${ODOO_SOURCE:-unset})." ;;
        esac
        ;;
esac

# --- 5. The suite's own Python dependencies ---------------------------------------------------
# Odoo's own pins stay intact: its requirements.txt (or, for an Odoo installed without its source
# tree, the versions installed now) are pip constraints, so no requirement of ours (OCA addons
# included) upgrades a library underneath Odoo.
write_constraints() {
    local tree
    tree=$("$PY" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(r.__file__)))')
    if [ -f "$tree/requirements.txt" ]; then
        sed -e 's/^cbor2==5\.4\.2 /cbor2==5.4.6 /' "$tree/requirements.txt" >"$CACHE_DIR/odoo-constraints.txt"
    else
        "$PY" -m pip freeze --exclude-editable | grep -v '^-e ' >"$CACHE_DIR/odoo-constraints.txt"
    fi
}
# Installed when any requirement of requirements.txt is missing or outside its range.
if ! "$PY" - <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement

def satisfied(line):
    req = Requirement(line)
    try:
        return req.specifier.contains(version(req.name), prereleases=True)
    except PackageNotFoundError:
        return False

lines = [line.split("#", 1)[0].strip() for line in open("requirements.txt", encoding="utf-8")]
sys.exit(0 if all(satisfied(line) for line in lines if line) else 1)
PY
    write_constraints
    log "installing requirements.txt into $VENV (Odoo's requirements as constraints)"
    "$PY" -m pip install -q -r requirements.txt -c "$CACHE_DIR/odoo-constraints.txt"
    "$PY" -m pip check >/dev/null || log "warning: pip check reports conflicts: run '$PY -m pip check'"
fi
# --- 6. The npm development tools of package.json (axe-core, for the portal's accessibility test) --
# Exactly the versions of package-lock.json, into node_modules/ (ignored by git): installed when
# missing or when package-lock.json changed since.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing the npm packages of package-lock.json into node_modules/ (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null ||
        die "'npm ci' failed: node_modules/ lacks axe-core (needed by the portal's accessibility test)." \
            "Run 'npm ci --no-audit --no-fund' by hand to see why (network, registry)."
fi
log "ready: Odoo $ver ($PY), PostgreSQL $(psql -d postgres -tAc 'show server_version' | cut -d' ' -f1)"
