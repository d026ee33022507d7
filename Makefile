# The one entry point for people: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The typed core: the AMI protocol, the domain, the IVR engine, the ticket rules.
STRICT := callcenter/ami callcenter/callbacks callcenter/domain callcenter/tickets callcenter/ticketing callcenter/agents ivr recordings

.PHONY: help deps lint typecheck test test-unit test-integration demo bench clean

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

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache test-artifacts
