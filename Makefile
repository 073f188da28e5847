# One command each: `make demo` sets up and runs rnakit on the bundled example; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.rnakit-installed

.PHONY: setup tools demo test clean

setup: $(STAMP) tools

# Command-line tools from the system's package manager (bowtie); see the script for what and why.
tools:
	@bash scripts/install-tools.sh

# Reinstall whenever the dependency list changes. Every extra (nn, serve, workflow, dask) and the test
# tools, so the suite runs everything; constraints/cpu.txt pins torch's CPU build (pyproject.toml asks for a range).
$(STAMP): pyproject.toml constraints/cpu.txt
	$(PYTHON) -c 'import sys; sys.exit("rnakit needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints/cpu.txt -e '.[all,dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/rnakit sirna design --example -o .demo/design
	$(BIN)/rnakit sirna validate examples/tiny_sirna.csv
	$(BIN)/rnakit sirna predict --model default --data examples/tiny_sirna.csv -o .demo/predictions.csv
	$(BIN)/rnakit sirna score --truth examples/tiny_sirna.csv --pred .demo/predictions.csv

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
