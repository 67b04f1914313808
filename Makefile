# natokg: two commands set everything up on a fresh machine.
#   make demo   creates .venv, installs, builds seeds/ into out/ and runs example queries
#   make test   installs the test tools (and Debian's chromium) and runs the test suite

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: demo test install browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/natokg build seeds --out $(OUT)
	$(BIN)/natokg validate --store $(OUT)
	@echo "== Units by division"
	$(BIN)/natokg query queries/units-by-division.rq --store $(OUT)
	@echo "== Reporting lines"
	$(BIN)/natokg query queries/reporting-lines.rq --store $(OUT)
	@echo
	@echo "Turtle:        $(OUT)/graph.ttl  (TriG with one graph per notice: $(OUT)/graph.trig)"
	@echo "Org graph:     $(OUT)/org-graph.html  (open it in a browser)"
	@echo "SPARQL store:  $(OUT)/store  (natokg query '...' --store $(OUT))"

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis
