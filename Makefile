# The two commands the README promises: `make lab` and `make test`.
# Each creates .venv on first use and installs the package with its test extra.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup lab test clean-notebooks

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

lab: setup
	$(BIN)/jupyter lab notebooks/ $(LAB_ARGS)

test: setup
	$(BIN)/python -m pytest --nbval-lax tests notebooks

clean-notebooks: setup
	$(BIN)/python tools/notebooks.py clean notebooks/*.ipynb
