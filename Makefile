# civstat — two commands on a fresh machine:
#   make demo   install what is missing, generate the demo county if data/raw/ is empty,
#               run the whole pipeline (generate → ingest → check → build → publish → report)
#   make test   install what is missing, run the test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := 1
export UV_LINK_MODE := copy
# Compile .pyc at install time: with PYTHONDONTWRITEBYTECODE set (as on CI) every process
# would otherwise recompile ~1,200 modules of dbt and Dagster from source at start-up.
export UV_COMPILE_BYTECODE := 1

UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
APT_PACKAGES := fonts-noto-cjk chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fontconfig strace libreoffice-writer-nogui
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-deps python-deps manifest demo test bench dev portable-sql clean-warehouse

help:
	@echo "make demo    run the whole pipeline on the demo county"
	@echo "make test    run the tests"
	@echo "make dev     open the Dagster UI (dg dev) on localhost:3000"
	@echo "make bench   run the benchmarks (province scale)"
	@echo "make portable-sql  compile the dbt project for Trino (offline) and fail on DuckDB-only SQL"

setup: system-deps python-deps manifest

# Debian packages the pipeline needs: CJK fonts (PDF), Chromium (Plotly→SVG, HTML checks), poppler.
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

python-deps: $(UV)
	@$(UV) sync --frozen --quiet

# dbt's manifest is prepared once here, never parsed when Dagster imports the definitions.
manifest: python-deps
	@$(UV) run --frozen python -m civstat.dbtrun prepare

demo: setup
	$(UV) run --frozen civstat demo

test: setup
	$(UV) run --frozen pytest -n 2 --dist loadfile -q

bench: setup
	$(UV) run --frozen python benchmarks/ingest.py
	$(UV) run --frozen python benchmarks/warehouse.py
	$(UV) run --frozen python benchmarks/report.py

dev: setup
	@mkdir -p .dagster_home && ln -sf ../dagster.yaml .dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(UV) run --frozen dg dev

# The dbt project compiles for a second adapter (dbt-trino, no server) without DuckDB-only SQL
# (also run by `make test`: tests/test_sqlport.py).
portable-sql: python-deps
	$(UV) run --frozen python -m civstat.sqlport

clean-warehouse:
	rm -rf data/warehouse
