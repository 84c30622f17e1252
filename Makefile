# The two set-up commands of the README: `make run` and `make test`.
# Both create .venv when it is missing and (re)install the project when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := $(VENV)/.tools
EXAMPLE := data/actions_centres_sociaux.txt

.PHONY: run test lint clean mutants

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cskg parse $(EXAMPLE) -o output/
	$(BIN)/cskg convert $(EXAMPLE) -o output/
	$(BIN)/cskg release --data output/ -o output/release/

# Debian's rapper (raptor2-utils): an independent RDF parser the tests check the output with.
$(TOOLS): $(STAMP)
	command -v rapper >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils >/dev/null; }
	touch $(TOOLS)

test: $(STAMP) $(TOOLS)
	$(BIN)/ruff check converter tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check converter tests
	$(BIN)/mypy

# Mutation testing of the pure modules with mutmut (issue 12): a tool of its own venv, apart from
# .venv, so that it never slows or changes `make test`. MUTANTS_ARGS: modules, --jobs, --timeout.
MUTANTS_VENV := .venv-mutants
MUTMUT := mutmut==3.8.1
$(MUTANTS_VENV)/.installed: pyproject.toml
	test -x $(MUTANTS_VENV)/bin/python || $(PYTHON) -m venv $(MUTANTS_VENV)
	$(MUTANTS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MUTANTS_VENV)/bin/python -m pip install --quiet -e '.[test]' '$(MUTMUT)'
	touch $@

mutants: $(MUTANTS_VENV)/.installed
	$(MUTANTS_VENV)/bin/python benchmarks/mutants.py $(MUTANTS_ARGS)

clean:
	rm -rf $(VENV) $(MUTANTS_VENV) build/mutants .cskg output/.versions output/*.jsonl output/*.csv output/*.json output/*.ttl output/*.nt output/*.jsonld
