# The two set-up commands of the README: `make run` and `make test`.
# Both create .venv when it is missing and (re)install the project when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := $(VENV)/.tools
# data.gouv.fr's harvester (udata), in its own virtualenv: its pins clash with ours.
UDATA  := .venv-udata
UDATA_STAMP := $(UDATA)/.installed
# CKAN's DCAT reader (ckanext-dcat), in its own virtualenv too.
CKAN   := .venv-ckan
CKAN_STAMP := $(CKAN)/.installed
NODE_STAMP := node_modules/.installed
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
	$(BIN)/cskg site --data output/ -o output/site/

# Debian's rapper (raptor2-utils): an independent RDF parser the tests check the output with;
# Debian's Virtuoso (virtuoso-opensource, 7.2): the second SPARQL server publish and query are
# tested against (tests/test_virtuoso.py starts it on free loopback ports, never as a service);
# Debian's Java runs HermiT (shipped with owlready2) on the ontology and the output.
# Debian's curl resumes a download from cskg serve (tests/test_negotiation.py).
# Debian's chromium: the browser of tests/browser/ (driven by Playwright, never its own browser);
# Debian's apache2 (mod_rewrite) and nginx run the site's redirect rules on loopback
# (tests/test_redirect_rules.py, never as services).
$(TOOLS): $(STAMP) Makefile
	command -v rapper >/dev/null && command -v virtuoso-t >/dev/null || { \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils \
	    virtuoso-opensource >/dev/null; }
	command -v java >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	command -v curl >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }
	test -x /usr/bin/chromium && test -x /usr/sbin/apache2 && test -x /usr/sbin/nginx || { \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium apache2 nginx-light \
	    >/dev/null; }
	touch $(TOOLS)

# npm packages of package-lock.json: axe-core (the accessibility check of tests/browser/) and
# @zazuko/yasgui (the copy vendored in converter/site/static/vendor/ is checked against it).
$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

$(UDATA_STAMP): tests/consumers/requirements.txt
	test -x $(UDATA)/bin/python || $(PYTHON) -m venv $(UDATA)
	$(UDATA)/bin/python -m pip install --quiet --upgrade pip
	$(UDATA)/bin/python -m pip install --quiet -r tests/consumers/requirements.txt
	touch $(UDATA_STAMP)

$(CKAN_STAMP): tests/consumers/requirements-ckan.txt
	test -x $(CKAN)/bin/python || $(PYTHON) -m venv $(CKAN)
	$(CKAN)/bin/python -m pip install --quiet --upgrade pip
	$(CKAN)/bin/python -m pip install --quiet -r tests/consumers/requirements-ckan.txt
	touch $(CKAN_STAMP)

test: $(STAMP) $(TOOLS) $(NODE_STAMP) $(UDATA_STAMP) $(CKAN_STAMP)
	$(BIN)/ruff check converter tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check converter tests
	$(BIN)/ruff format --check converter tests benchmarks
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
	rm -rf $(VENV) $(UDATA) $(CKAN) $(MUTANTS_VENV) node_modules build/mutants .cskg output/.versions output/*.jsonl output/*.csv output/*.json output/*.ttl output/*.nt output/*.jsonld
