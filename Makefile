# Civic Childcare — everything a newcomer needs is `make run` and `make test`.
PYTHON ?= python3
DB ?= civic_childcare
ADDONS := $(shell ls addons 2>/dev/null | tr '\n' ',' | sed 's/,$$//')
ODOO := $(PYTHON) -m odoo -c odoo.conf

.PHONY: help setup run db test test-odoo unit lint bench clean

help:
	@echo "make run        set up what is missing, create the '$(DB)' demo database, serve http://localhost:8069"
	@echo "make test       set up, then the whole suite (Odoo tests + unit tests) on a throw-away database"
	@echo "make test-odoo  Odoo's own tests of event, website_event, portal, account_payment with the suite installed"
	@echo "make unit       only the database-free unit tests of addons/*/tools"
	@echo "make lint       ruff"
	@echo "make bench      every benchmark under tests/bench"

setup:
	@bash scripts/setup.sh

db: setup
	@if psql -d postgres -tAc "select 1 from pg_database where datname='$(DB)'" | grep -q 1; then \
		echo "[run] database $(DB) exists: updating the suite addons"; \
		$(ODOO) -d $(DB) -u $(ADDONS) --stop-after-init --log-level=warn; \
	else \
		echo "[run] creating database $(DB) with the suite addons and demo data"; \
		$(ODOO) -d $(DB) -i $(ADDONS) --with-demo --stop-after-init --log-level=warn; \
	fi

run: db
	@$(PYTHON) scripts/logins.py
	@$(ODOO) -d $(DB) --db-filter='^$(DB)$$'

test:
	@bash scripts/setup.sh || { echo "set-up failed: see above"; echo "0 passed, 1 failed"; exit 1; }
	@$(PYTHON) tests/run.py

test-odoo: setup
	@$(PYTHON) tests/run.py --db civic_childcare_test_odoo --odoo-modules event,website_event,portal,account_payment

unit:
	@$(PYTHON) -m pytest -q -p no:cacheprovider addons/*/tools/tests

lint:
	@$(PYTHON) -m ruff check addons tests scripts
	@$(PYTHON) -m ruff format --check addons tests scripts

bench: setup
	@for b in tests/bench/*.py; do $(PYTHON) $$b || exit 1; done

clean:
	rm -rf .test-logs
