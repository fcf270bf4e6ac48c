# Minsheng: two commands.
#   make run   create .venv, install, migrate, load the demo data once, start the job worker (mail, long runs)
#              and the scheduler (reminders, the nightly audit check and backup),
#              and serve on 127.0.0.1:8000
#              (the local demo signs officers in without the second factor; SECOND_FACTOR_REQUIRED=1 to try it)
#   make test  install the dev tools, lint, run the tests on SQLite (and on PostgreSQL when
#              TEST_DATABASE_URL is set), the API fuzz stage, the two-server stage (scripts/cluster.py), install
#              Chromium where apt-get can, run the browser tests
#   make fuzz  the API fuzz stage alone (Schemathesis and a corpus of nasty bodies; prints its counts)
#   make cluster  the platform on several servers, on this machine: two gunicorn servers, a job worker, PostgreSQL
#              and Redis (scripts/cluster.py; Ctrl-C stops them all; docs/deployment.md)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# pytest-xdist workers; the browser tests run in one process. loadgroup keeps a module marked xdist_group in one
# worker (tests/test_limits_across_workers.py shares one gunicorn server between its tests)
WORKERS ?= 2

# pipefail: a failing pip is not hidden by the filter after it
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: run port-free newcomer test install dev lint test-sqlite test-postgresql fuzz test-servers test-e2e browser \
        gettext messages demo cluster clean

$(BIN)/python:
	@echo "== 创建虚拟环境 .venv / creating the virtual environment .venv"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip shows what it downloads and installs: the first install takes a minute or two, and a silent terminal
# looks hung.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	@echo "== 安装平台及其依赖 / installing the platform and its dependencies"
	$(BIN)/python -m pip install --progress-bar on -e . | sed '/^Requirement already satisfied/d'
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# The port is checked first, with the system's Python, so a taken port is reported before minutes of installing.
port-free:
	@$(PYTHON) scripts/port_free.py $(HOST) $(PORT)

run: port-free install
	@echo "== 迁移数据库 / migrating the database"
	$(BIN)/minsheng migrate --no-input
	$(BIN)/minsheng collectstatic --no-input --verbosity 0
	@echo "== 载入演示数据（首次约半分钟）/ loading the demo data (half a minute the first time)"
	$(BIN)/minsheng demo
	@echo "== 启动后台任务进程、定时器与网站 / starting the job worker, the scheduler and serving http://$(HOST):$(PORT)/"
	export EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend} \
	       SECOND_FACTOR_REQUIRED=$${SECOND_FACTOR_REQUIRED:-0}; \
	  $(BIN)/minsheng worker & worker=$$!; $(BIN)/minsheng scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT; \
	  $(BIN)/minsheng runserver $(HOST):$(PORT)

# The newcomer's path, as CI's first stage: a copy of the project with nothing installed, `make run`, the public
# pages answering, every module imported with the runtime dependencies only (scripts/newcomer.py).
newcomer:
	$(PYTHON) scripts/newcomer.py

demo: install
	$(BIN)/minsheng migrate --no-input
	$(BIN)/minsheng demo

lint: dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python scripts/extract_policy.py --check
	$(BIN)/python scripts/architecture.py --check

test: lint test-sqlite test-postgresql fuzz test-servers test-e2e

test-sqlite: dev gettext
	@echo "== tests on SQLite"
	$(BIN)/pytest -q -n $(WORKERS) --dist loadgroup -m "not e2e and not fuzz and not servers" tests

test-postgresql: dev gettext
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== tests on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest -q -n $(WORKERS) --dist loadgroup -m "not e2e and not fuzz and not servers" tests; \
	else echo "== PostgreSQL skipped: set TEST_DATABASE_URL=postgres://user@host:5432/db to run it"; fi

# The API fuzz stage (tests/api/test_fuzz.py): Schemathesis's requests for every operation as nobody, an applicant
# and an officer, each answer checked against the published schema, and a corpus of nasty bodies sent to every
# write. On PostgreSQL when TEST_DATABASE_URL is set (it refuses NUL in text, SQLite does not), else on SQLite.
# Fails on any 5xx or schema mismatch; prints the requests sent, the 5xx and the mismatches, and its duration.
fuzz: dev
	@echo "== API fuzz stage"
	@started=$$SECONDS; \
	if [ -n "$$TEST_DATABASE_URL" ]; then export DATABASE_URL="$$TEST_DATABASE_URL"; fi; \
	$(BIN)/pytest -q -n $(WORKERS) -m fuzz tests/api/test_fuzz.py; status=$$?; \
	echo "== API fuzz stage: $$((SECONDS - started)) s"; exit $$status

# The two-server stage (tests/test_two_servers.py): scripts/cluster.py starts two gunicorn servers, a job worker,
# a database on the PostgreSQL server of TEST_DATABASE_URL (else 127.0.0.1:5432) and Redis (127.0.0.1:6379, else
# Debian's redis-server); the test signs in, locks out, hits a rate limit, queues a mail and uploads a file across
# both servers over HTTP. Skipped without PostgreSQL or Redis, except in CI; prints its duration.
test-servers: dev
	@echo "== two-server stage"
	@started=$$SECONDS; \
	$(BIN)/pytest -q -n 0 -m servers tests/test_two_servers.py; status=$$?; \
	echo "== two-server stage: $$((SECONDS - started)) s"; exit $$status

cluster: install
	$(BIN)/python scripts/cluster.py up

# Debian packages the tests need, installed with apt-get where it runs as root: Chromium for the browser
# tests, GNU gettext for the catalogue check.
APT_INSTALL = apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "== installing Debian's chromium"; \
	    ($(APT_INSTALL) chromium >/dev/null) || echo "apt-get could not install chromium"; \
	  else echo "chromium is not installed and apt-get is not available to root here"; fi; \
	fi

gettext:
	@if ! command -v msgfmt >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "== installing GNU gettext"; \
	    ($(APT_INSTALL) gettext >/dev/null) || echo "apt-get could not install gettext"; \
	  else echo "GNU gettext is not installed and apt-get is not available to root here"; fi; \
	fi

test-e2e: dev browser
	@echo "== browser tests in headless Chromium"
	$(BIN)/pytest -q -m e2e tests/e2e

messages: dev gettext
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
