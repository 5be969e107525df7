# The two commands of the README are `make run` and `make test`; the rest are developer aids.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
DEMO_PROFILE ?= .demo/profile
# The demo profile's password (synthetic data only); documented in the README.
DEMO_PASSWORD ?= demo-pass-2026

.PHONY: run test setup setup-core demo lint i18n i18n-update bench bench-smoke bench-sync clean

## run: set everything up, create the demo profile if needed, open the application on it
run: setup demo
	INSPECTOR_PASSWORD='$(DEMO_PASSWORD)' $(BIN)/inspector-app --profile $(DEMO_PROFILE)

## test: set everything up and run linters, the import contracts and the whole test suite
test: setup setup-core
	scripts/test.sh

setup:
	scripts/install-system-packages.sh
	scripts/bootstrap.sh

setup-core:
	scripts/bootstrap.sh --core

demo: setup
	@if [[ ! -f $(DEMO_PROFILE)/profile.json ]]; then \
	  INSPECTOR_PASSWORD='$(DEMO_PASSWORD)' $(BIN)/inspector demo --profile $(DEMO_PROFILE); \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## i18n-update: re-extract strings and merge them into the catalogs (then translate the .po)
i18n-update: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -k pgettext:1c,2 \
	  --add-comments=Translators: --sort-by-file --no-wrap \
	  --project="Fund Inspector" --copyright-holder="Fund Inspector" \
	  -o resources/i18n/messages.pot .
	$(BIN)/pybabel update --no-wrap -i resources/i18n/messages.pot -d resources/i18n -D fund_inspector

i18n: setup
	$(BIN)/pybabel compile -d resources/i18n -D fund_inspector

## bench: the full benchmarks (minutes); results go to docs/benchmarks.md by hand
bench: setup
	$(BIN)/python -m bench.run --full

bench-smoke: setup
	$(BIN)/python -m bench.run --smoke

## bench-sync: only the sync benchmarks at full size (bulk push of 1 GiB, 200 clients; ~10 min)
bench-sync: setup
	$(BIN)/python -m bench.run --full --only sync

clean:
	rm -rf $(VENV) .venv-core .demo .mypy_cache .ruff_cache .pytest_cache
