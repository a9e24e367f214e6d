# Guanxi: `make run` serves the CRM with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-sqlite test-postgres lint bench bench-analytics bench-data bench-sales messages clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $$(scripts/find-python) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/guanxi setup
	$(BIN)/guanxi collectstatic --noinput --verbosity 0
	@echo "Guanxi: http://127.0.0.1:$${PORT:-8000}"
	$(BIN)/guanxi serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy guanxi config
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	$(BIN)/pytest -q

test-postgres: $(STAMP)
	scripts/with-postgres $(BIN)/pytest -q

test: lint test-sqlite test-postgres

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/analytics.py $(ANALYTICS_ARGS)
	$(MAKE) --no-print-directory bench-data
	$(MAKE) --no-print-directory bench-sales

# Customer data in and out at 1,000,000 contacts: import, export, duplicate detection.
bench-data: $(STAMP)
	$(BIN)/python bench/import_contacts.py $(IMPORT_ARGS)
	$(BIN)/python bench/export_contacts.py $(EXPORT_ARGS)
	$(BIN)/python bench/duplicates.py $(DUPLICATES_ARGS)

# Sales: lead import of 100,000 business cards against 1,000,000 contacts; the board and the
# forecast with 100,000 open opportunities; the customer pool's hourly job over 1,000,000.
bench-sales: $(STAMP)
	$(BIN)/python bench/import_leads.py $(LEADS_ARGS)
	$(BIN)/python bench/kanban_forecast.py $(KANBAN_ARGS)
	$(BIN)/python bench/pool_returns.py $(POOL_ARGS)

bench-analytics: $(STAMP)
	$(BIN)/python bench/analytics.py $(ANALYTICS_ARGS)

messages: $(STAMP)
	$(BIN)/guanxi makemessages -l zh_Hans --ignore '.venv/*' --ignore 'var/*' --ignore '*/migrations/*' \
	  --ignore 'bench/*' --ignore 'tests/*' --ignore 'static/*'
	$(BIN)/guanxi compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
