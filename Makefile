# Homeroom: `make run` serves the demo district, `make test` runs lint and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/homeroom
# Days the suite must hold on (HOMEROOM_TEST_TODAY): a Saturday, the summer break, the first
# school day of the demo's year, New Year's Eve.
TEST_DATES ?= 2026-12-05 2027-07-14 2026-08-17 2026-12-31

.PHONY: run test test-dates lint format screenshots bench

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
# (required when CI=true), two workers at a time; the browser tests run once, on PostgreSQL
# when there is one. CI then runs `test-dates` too.
PG_ANSWERS = $(BIN)/python -c "import psycopg; psycopg.connect('$(POSTGRES_TEST_URL)', connect_timeout=3).close()" 2>/dev/null
test: lint
	@if $(PG_ANSWERS); then \
		echo "== SQLite, browser tests left to PostgreSQL"; \
		$(BIN)/pytest -n 2 -m "not browser" || exit 1; \
		echo "== PostgreSQL: $(POSTGRES_TEST_URL)"; \
		DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest -n 2 || exit 1; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(POSTGRES_TEST_URL); CI needs it." >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(POSTGRES_TEST_URL): every test on SQLite"; \
		$(BIN)/pytest -n 2; \
	fi
	@if [ "$$CI" = "true" ]; then $(MAKE) --no-print-directory test-dates; fi

# The tests on SQLite with the clock set to each of TEST_DATES, two processes at a time, but
# the browser's and those that set their own dates (own_clock).
test-dates: $(BIN)/.installed
	@for day in $(TEST_DATES); do \
		echo "== HOMEROOM_TEST_TODAY=$$day"; \
		HOMEROOM_TEST_TODAY=$$day $(BIN)/pytest -m "not browser and not own_clock" -n 2 || exit 1; \
	done

# Re-takes the README screenshots from the browser tests.
screenshots: $(BIN)/.installed
	HOMEROOM_README_SCREENSHOTS=1 $(BIN)/pytest -m browser

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py
