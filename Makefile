# The two set-up commands of the README: `make run` and `make test`.
# Both create .venv when it is missing and (re)install the project when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := $(VENV)/.tools
EXAMPLE := data/actions_centres_sociaux.txt

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cskg parse $(EXAMPLE) -o output/
	$(BIN)/cskg convert $(EXAMPLE) -o output/
	$(BIN)/cskg release --data output/ -o output/release/

# Debian's rapper (raptor2-utils): an independent RDF parser the tests check the output with;
# Debian's Virtuoso (virtuoso-opensource, 7.2): the second SPARQL server publish and query are
# tested against (tests/test_virtuoso.py starts it on free loopback ports, never as a service).
$(TOOLS): $(STAMP) Makefile
	command -v rapper >/dev/null && command -v virtuoso-t >/dev/null || { \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils \
	    virtuoso-opensource >/dev/null; }
	touch $(TOOLS)

test: $(STAMP) $(TOOLS)
	$(BIN)/ruff check converter tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check converter tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .cskg output/.versions output/*.jsonl output/*.csv output/*.json output/*.ttl output/*.nt output/*.jsonld
