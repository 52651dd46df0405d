# Homeroom: `make run` serves the demo district, `make test` runs lint and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/homeroom

.PHONY: run test lint format screenshots bench

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/homeroom run --port $(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/homeroom makemigrations --check --dry-run

format: $(BIN)/.installed
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# Every test runs on SQLite, then again on PostgreSQL when a local server answers
# (required when CI=true).
test: lint
	$(BIN)/pytest
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(POSTGRES_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: $(POSTGRES_TEST_URL)"; \
		DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(POSTGRES_TEST_URL); CI needs it." >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(POSTGRES_TEST_URL): ran SQLite only."; \
	fi

# Re-takes the README screenshots from the browser tests.
screenshots: $(BIN)/.installed
	HOMEROOM_README_SCREENSHOTS=1 $(BIN)/pytest -m browser

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py
