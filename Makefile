# Civic Childcare — everything a newcomer needs is `make run` and `make test`.
# Every target runs the project virtual environment's Python (.venv, made by scripts/setup.sh).
PYTHON := .venv/bin/python
DB ?= civic_childcare
ADDONS := $(shell ls addons 2>/dev/null | tr '\n' ',' | sed 's/,$$//')
# Odoo modules the demo municipality needs besides ours (Belgian localisation: structured communication;
# the demo payment provider: online payment on the portal without a real provider)
EXTRA_MODULES := l10n_be,payment_demo
# The main company of a new database is Belgian (EUR, Belgian chart): SEPA direct debit, CODA, 281.86
COUNTRY := be
UNIT_TESTS := $(wildcard addons/*/tools/tests) $(wildcard tests/unit)
ODOO := $(PYTHON) -m odoo -c odoo.conf

.PHONY: help setup run db test test-odoo unit lint bench clean

help:
	@echo "make run        set up what is missing, create the '$(DB)' demo database, serve http://localhost:8069"
	@echo "make test       set up, then the whole suite (Odoo tests + unit tests) on a throw-away database"
	@echo "make test-odoo  Odoo's own tests of event, website_event, portal, account_payment with the suite installed"
	@echo "make unit       only the database-free unit tests (addons/*/tools/tests, tests/unit)"
	@echo "make lint       ruff"
	@echo "make bench      every benchmark under tests/bench"

setup:
	@bash scripts/setup.sh

# unit and lint need only the virtual environment: the whole set-up runs when it does not exist yet.
$(PYTHON):
	@bash scripts/setup.sh

db: setup
	@if psql -d postgres -tAc "select 1 from pg_database where datname='$(DB)'" | grep -q 1; then \
		echo "[run] database $(DB) exists: updating the suite addons"; \
		$(ODOO) -d $(DB) -u $(ADDONS) --stop-after-init --log-level=warn; \
	else \
		echo "[run] creating database $(DB) with the suite addons and demo data"; \
		$(PYTHON) -m odoo db -c odoo.conf init $(DB) --with-demo --country $(COUNTRY) && \
		$(ODOO) -d $(DB) -i $(ADDONS),$(EXTRA_MODULES) --with-demo --stop-after-init --log-level=warn; \
	fi

run: db
	@$(PYTHON) scripts/logins.py
	@$(ODOO) -d $(DB) --db-filter='^$(DB)$$'

test:
	@bash scripts/setup.sh || { echo "set-up failed: see above"; echo "0 passed, 1 failed"; exit 1; }
	@$(PYTHON) tests/run.py

test-odoo: setup
	@$(PYTHON) tests/run.py --db civic_childcare_test_odoo --odoo-modules event,website_event,portal,account_payment

unit: $(PYTHON)
	@$(PYTHON) -m pytest -q -p no:cacheprovider $(UNIT_TESTS)

lint: $(PYTHON)
	@$(PYTHON) -m ruff check addons tests scripts
	@$(PYTHON) -m ruff format --check addons tests scripts

bench: setup
	@for b in tests/bench/*.py; do $(PYTHON) $$b || exit 1; done

# Refresh each addon's i18n/<addon>.pot from a throw-away database, merge it into fr.po, nl.po, de.po.
.PHONY: i18n
i18n: setup
	@PYTHON=$(PYTHON) bash scripts/i18n.sh

clean:
	rm -rf .test-logs
