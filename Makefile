# Eskan Desk — everything a fresh machine with Python 3.11 needs, from two commands:
#   make run    set up .venv, create a demo store on first run, start the desktop app
#   make test   set up .venv and run the whole test suite (offscreen)
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install run test bench lint translations clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e '.[dev]'
	@# Bytecode as an installed wheel has it (an editable install compiles nothing): start-up
	@# then reads .pyc files instead of compiling the app's modules on every start.
	$(BIN)/python -m compileall -q eskan_desk
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/eskan quickstart
	$(BIN)/eskan-desk

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check eskan_desk tests bench
	$(BIN)/ruff format --check eskan_desk tests bench

# Re-extract the catalog template and merge it into the Arabic catalog (translate, then commit).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k pgettext:1c,2 -k NP_:1c,2 --no-location --sort-output \
		--project eskan-desk --copyright-holder "Eskan Desk" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l ar --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
