# natokg: two commands set everything up on a fresh machine.
#   make demo   creates .venv, installs, builds seeds/ into out/ and runs example queries
#   make test   installs the test tools (and Debian's chromium) and runs the test suite

# The venv's interpreter: Debian's CPython where the machine has it (built with profile-guided and
# link-time optimisation, it reads notices about a tenth faster than a plain build from source: see
# README, Performance), else the python3 on the PATH.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: demo test install browser bench clean screenshot bench-viz

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

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# Debian's chromium for the browser tests, the screenshot and the benchmark (Playwright drives it;
# `playwright install` is never needed).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null || ( $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null )

# The README's picture of the seeds' org graph.
screenshot: $(STAMP) browser
	@test -d $(OUT)/store || $(BIN)/natokg build seeds --out $(OUT)
	$(BIN)/natokg viz --store $(OUT)
	$(BIN)/python -m kg.visualise.browser $(OUT)/org-graph.html docs/org-graph.png --select "Resilience Section"

# Seconds until a 2,000-node org graph is drawn and interactive in headless Chromium.
# Benchmarks (never part of the test suite): BENCH_NOTICES=10000 make bench for the large corpus,
# BENCH_FLAGS="--rdflib-budget 0" to leave rdflib out (its in-memory graph of 10,000 notices takes minutes to load).
BENCH_NOTICES ?= 1000
BENCH_FLAGS ?=
bench: $(STAMP) browser
	$(BIN)/natokg bench --notices $(BENCH_NOTICES) --report $(OUT)/bench-$(BENCH_NOTICES).json $(BENCH_FLAGS)
	$(BIN)/python bench/bench_viz.py

bench-viz: $(STAMP) browser
	$(BIN)/python bench/bench_viz.py

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis
