# The two commands the README promises: `make lab` and `make test`.
# Each creates .venv on first use and installs the package with its test extra, pinned to the
# versions CI last tested (constraints.txt). `make test-latest` tries the newest releases instead,
# `make constraints` records them after they pass.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONSTRAINTS ?= constraints.txt
LATEST_VENV := .venv-latest

.PHONY: setup lab test test-latest constraints clean-notebooks check-python

setup: check-python
	@$(MAKE) --no-print-directory $(VENV)/.installed  # a new make: check-python may have removed $(VENV)

# A .venv made by another Python (`make lab PYTHON=python3.12` after a first run with python3):
# rebuild it when PYTHON was given, say so otherwise; never use it silently.
check-python:
	@want=$$($(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') || \
	  { echo "make: PYTHON=$(PYTHON) does not run; install it or pass another, e.g. make lab PYTHON=python3.12" >&2; exit 1; }; \
	if [ -e $(VENV) ]; then \
	  have=$$($(BIN)/python -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || echo "none (broken)"); \
	  if [ "$$want" != "$$have" ]; then \
	    case "$(origin PYTHON)" in \
	      "command line"|environment) \
	        echo "make: $(VENV) was made by Python $$have, PYTHON=$(PYTHON) is $$want: rebuilding $(VENV)"; \
	        rm -rf $(VENV);; \
	      *) echo "make: warning: $(VENV) uses Python $$have, $(PYTHON) is $$want; keeping $(VENV)" \
	              "(rebuild with: make $(MAKECMDGOALS) PYTHON=$(PYTHON))" >&2;; \
	    esac; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_ARGS) -e ".[test]" $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
	touch $@

lab: setup
	$(BIN)/jupyter lab notebooks/ $(LAB_ARGS)

test: setup
	$(BIN)/python -m pytest --nbval-lax tests notebooks

# The whole suite on the newest releases allowed by pyproject.toml, in a separate venv.
test-latest:
	rm -f $(LATEST_VENV)/.installed
	$(MAKE) test VENV=$(LATEST_VENV) CONSTRAINTS= PIP_ARGS="--upgrade --upgrade-strategy eager"

# Refresh constraints.txt: the versions of a `make test-latest` run that passed.
constraints: test-latest
	$(LATEST_VENV)/bin/python tools/constraints.py > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean-notebooks: setup
	$(BIN)/python tools/notebooks.py clean notebooks/*.ipynb
