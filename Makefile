# ownup: two commands from a fresh clone.
#   make run   installs, migrates a SQLite database under ./var/, loads demo data, serves :8000
#   make test  installs everything the tests need, runs ruff and pytest on SQLite and PostgreSQL

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint test-sqlite test-postgres test-anyday browser-deps system-deps bench measure clean lock audit

# Every dependency (the build backend included) is pinned with hashes in requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/ownup migrate
	$(BIN)/ownup demo --if-empty
	@echo "Demo login: olivia@northlight.example / ownup-demo  (http://$(HOST):$(PORT)/)"
	$(BIN)/ownup serve --host $(HOST) --port $(PORT)

# Debian packages the tests drive for real: chromium for the browser tests (never a
# downloaded browser), Dovecot's IMAP server for the mailbox tests (tests/imap.py) and faketime
# for the any-day run.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v faketime >/dev/null 2>&1 || missing="$$missing faketime"; \
	[ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -z "$$missing" ] || { \
	  echo "installing Debian's$$missing for the tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; }

browser-deps: system-deps

# ruff, the import floors of docs/architecture.md (contracts in pyproject.toml), mypy (with
# django-stubs) on the core and the services (files in pyproject.toml, [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test-sqlite: $(STAMP) browser-deps
	env -u DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider

test-postgres: $(STAMP) browser-deps
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -p no:cacheprovider

# The non-browser suite again on a Sunday night, a Monday morning and a Wednesday afternoon
# (Debian's faketime, the clock ticking from there): nothing may depend on the day or the hour
# the suite runs. The afternoon is inside business hours late in the day: a demo thread whose
# due time had passed failed the first fresh-clone CI at Monday 17:56 UTC, which both night and
# morning runs had passed. The fake
# clock is an offset from the real one, so the processes a test starts (workers, servers) share
# it; a start-at time ("@…") would start each new process at that instant again. Servers the
# tests start drop the faked clock (tests/realtime.py); ownup's own code keeps it.
ANYDAY ?= 2026-12-06 23:30:00|2026-12-07 07:59:00|2026-12-09 16:00:00
test-anyday: $(STAMP) system-deps
	@all='$(ANYDAY)'; IFS='|'; for t in $$all; do echo "== the suite at $$t UTC (faketime)"; \
	  off=$$(( $$(date -ud "$$t" +%s) - $$(date +%s) )); [ $$off -lt 0 ] || off="+$$off"; \
	  TZ=UTC env -u DATABASE_URL faketime -f "$$off" $(BIN)/pytest -q -p no:cacheprovider \
	    -m "not browser" --ignore=tests/browser || exit 1; done

test: lint test-sqlite test-postgres test-anyday

# Every benchmark with its defaults (PostgreSQL ones use BENCH_PG_URL, default the local server).
bench: $(STAMP)
	for b in bench/*.py; do case $$b in *hardening.py) continue;; esac; \
	  $(BIN)/python $$b || exit 1; done

# Every figure of the hardening issue in one run: trust tests on both databases, dependency
# audit, ingest and load (see bench/hardening.py); writes var/measure/hardening.md.
measure: $(STAMP) system-deps
	$(BIN)/python bench/hardening.py

# Re-pin after changing dependencies in pyproject.toml (pip-tools in a throwaway venv). Extras
# stay in the pins: with --require-hashes, a dependency asked for with an extra
# ("CacheControl[filecache]>=0.13", pip-audit's) must be pinned with that extra, or a fresh
# venv's pip (23.2) looks for the newest release and refuses the install once one is out.
lock:
	$(PYTHON) -m venv /tmp/ownup-piptools && /tmp/ownup-piptools/bin/pip install --quiet pip-tools
	/tmp/ownup-piptools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra test \
	  --no-strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Known vulnerabilities in the pinned dependencies (needs PyPI's or OSV's vulnerability API).
audit: $(STAMP)
	$(BIN)/pip-audit --require-hashes --disable-pip --progress-spinner off -r requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
