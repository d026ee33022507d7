# The one entry point for people: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The typed core: the AMI protocol, the domain, the IVR engine, the ticket rules.
STRICT := callcenter/ami callcenter/callbacks callcenter/domain callcenter/tickets callcenter/ticketing callcenter/agents callcenter/admin ivr recordings

.PHONY: help deps lint typecheck test test-unit test-integration demo bench bench-ivr clean

help:
	@echo "make demo   install everything, start the sandbox, controller and console, place demo calls"
	@echo "make test   lint, type-check and run the whole test suite (real Asterisk, real SIP phones)"
	@echo "make lint   ruff;  make bench   benchmarks (ratios against peers in the same run)"

deps:
	@scripts/bootstrap.sh

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check callcenter/domain callcenter/ami

typecheck: deps
	$(BIN)/mypy --strict $(STRICT)

test: deps lint typecheck
	@scripts/test.sh

demo: deps
	@scripts/demo.sh

bench: deps
	$(BIN)/python bench/ami_parse.py
	$(BIN)/python bench/transcribe.py
	$(BIN)/python bench/tickets.py --tickets 100000
	@$(MAKE) --no-print-directory bench-ivr

# 100 concurrent callers through the hotline, against the same menu as plain dialplan
# (bounded: the run stops itself after 10 minutes). Needs the Asterisk sandbox.
bench-ivr: deps
	$(BIN)/callcenter sandbox up
	timeout 900 $(BIN)/python bench/ivr_load.py --calls 100 --max-seconds 600

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache test-artifacts
