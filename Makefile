# The two commands of the README: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
CUSTOMERS ?= 2000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo setup setup-dev test lint typecheck unit bench messages mutation

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh dev

## Set up, fill a demo register (SQLite, rekisteri.db) and serve it on http://$(HOST):$(PORT)/
demo: setup
	@# A new register gets the demo data (and prints the demo staff passwords, once);
	@# an existing one is only migrated.
	@if [ ! -f rekisteri.db ]; then $(BIN)/rekisteri demo --customers $(CUSTOMERS) --seed 1; \
	 else $(BIN)/rekisteri init; fi
	@# Plain http on this machine only: the session cookie cannot be Secure here.
	@REKISTERI_SESSION_COOKIE_SECURE=false $(BIN)/rekisteri serve --host $(HOST) --port $(PORT)

## Set up and run every check: lint, types, the layer rules, the whole suite on SQLite and PostgreSQL
test: setup-dev
	@scripts/system-deps.sh
	@$(BIN)/ruff check src tests bench
	@$(BIN)/ruff format --check src tests bench
	@$(BIN)/mypy
	@$(BIN)/lint-imports --no-cache
	@# One worker per core (pytest-xdist); each worker starts its own PostgreSQL server. The
	@# Spark cluster's tests run on one worker, which starts it once (tests/conftest.py).
	@$(BIN)/pytest -q -n auto

lint: setup-dev
	@$(BIN)/ruff check src tests bench && $(BIN)/ruff format --check src tests bench
	@$(BIN)/lint-imports --no-cache

typecheck: setup-dev
	@$(BIN)/mypy

unit: setup-dev
	@$(BIN)/pytest -q tests/unit

## Mutation testing of the rules (docs/mutation.md): slow, not part of `make test`.
## MUTANTS narrows the run to the rule functions; MUTANTS='*' takes every function of the files
## [tool.mutmut] names (hours on two cores).
MUTANTS ?= rekisteri.domain.marketing.* rekisteri.domain.masking.* \
  rekisteri.services.rights.retention.* rekisteri.services.rights.erasure.* \
  rekisteri.services.marketing.audience.* \
  rekisteri.adapters.audit_chain.x_canonical* rekisteri.adapters.audit_chain.x_entry_hash* \
  rekisteri.adapters.audit_chain.x_head_tag* rekisteri.adapters.audit_chain.x_stored_values* \
  rekisteri.adapters.crypto.x*blind_index* \
  rekisteri.domain.identifiers.* rekisteri.domain.references.* \
  rekisteri.services.rights.periods.x_months* \
  rekisteri.adapters.audit_chain.x*Checkpoint* rekisteri.adapters.audit_chain.x__subjects* \
  rekisteri.adapters.audit_chain.x_latest_checkpoint* rekisteri.adapters.audit_chain.x__pristine* \
  rekisteri.adapters.audit_chain.x_verify* rekisteri.adapters.audit_chain.x_prune_through* \
  rekisteri.adapters.audit_chain.x_begin*
mutation: setup-dev
	@rm -rf mutants
	@REKISTERI_TEST_BACKENDS=sqlite nice -n 10 $(BIN)/mutmut run --max-children 2 $(foreach m,$(MUTANTS),'$(m)')
	@mkdir -p build
	@$(BIN)/mutmut results --all true > build/mutation-results.txt
	@$(BIN)/python scripts/mutation_score.py $(foreach m,$(MUTANTS),'$(m)') < build/mutation-results.txt

bench: setup-dev
	@for f in bench/bench_*.py; do $(BIN)/python $$f; done

## Extract the web pages' words and add new ones to the fi/sv/en catalogues (then translate them)
messages: setup-dev
	@mkdir -p build
	@$(BIN)/pybabel extract -F babel.cfg -o build/messages.pot --no-location -w 100 .
	@for l in fi sv en; do \
	  $(BIN)/pybabel update -i build/messages.pot -l $$l -D messages -w 100 \
	    -o src/rekisteri/entrypoints/web/locale/$$l/LC_MESSAGES/messages.po; done
