# The README's commands. Everything a fresh machine with only Python 3.11 needs is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
DB ?= $(or $(CCHC_DB),data/warehouse.duckdb)
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench demo clean-demo install browser fonts

run: install browser $(DB)  ## Install, build the demo warehouse if there is none, start the dashboard
	CCHC_DB=$(DB) $(BIN)/python -m cchc.serve --server.port $(PORT)

test: install browser lint  ## Install, lint, and run every test (unit, page and browser tests)
	$(BIN)/python -m pytest

lint: install  ## ruff check and ruff format --check: CI enforces both
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(DB):
	$(BIN)/python -m etl demo --db $(DB)

# The benchmark (not part of `make test`; a tiny version of it is, tests/test_bench.py): bench/run.py
# builds the 1M demo (data/bench/warehouse.duckdb, ~3-10 min, once) and a 10M warehouse replicated
# from it, measures load, page database time and browser times beside their floors and writes
# docs/benchmarks.md; then the load test (20 browser sessions during a load, docs/reliability.md) and
# the report's time on the 1M demo. BENCH_SCALES=100k BENCH_REPEAT=1 make bench for a quick one.
BENCH_DB := data/bench/warehouse.duckdb
BENCH_SCALES ?= 1m,10m
BENCH_REPEAT ?= 2
# scales whose demo exports are loaded end to end. 1m by default: the loader still runs per row in
# Python (~4 000 rows/s here, docs/benchmarks.md), so 10M rows would take about 45 min a repeat;
# BENCH_LOAD_SCALES=1m,10m measures it anyway.
BENCH_LOAD_SCALES ?= 1m

bench: install browser $(BENCH_DB)  ## Benchmarks (docs/benchmarks.md), load test and report time on the 1M/10M demo
	nice -n 5 $(BIN)/python bench/run.py --scales $(BENCH_SCALES) --repeat $(BENCH_REPEAT) --load-scales $(BENCH_LOAD_SCALES)
	$(BIN)/python bench/loadtest.py --db $(BENCH_DB)
	$(BIN)/python bench/report_time.py --db $(BENCH_DB) --repeat 2

$(BENCH_DB):
	$(BIN)/python -m etl demo --scale 10 --db $(BENCH_DB)

demo: install  ## Rebuild the demo warehouse from scratch
	rm -f $(DB)
	$(BIN)/python -m etl demo --db $(DB)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here) and for
# the report's charts (kaleido draws them in it), and fonts with Vietnamese glyphs: the PDF brief
# embeds Noto Sans and DejaVu Sans; fonts-liberation2 is Times New Roman's metric twin with
# Vietnamese, for the Word report opened in LibreOffice.
REPORT_FONTS := /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf
browser:
	@if [ ! -x /usr/bin/chromium ] || ! ls $(REPORT_FONTS) >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-dejavu-core \
			fonts-liberation2; \
	fi

fonts: browser  ## Chromium and the report's fonts (the same apt step)
