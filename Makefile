# The two commands a newcomer needs: `make run` and `make test` (README).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# PostgreSQL is exercised by the tests wherever this DSN is reachable (CI sets it too).
export CXZY_TEST_POSTGRES_DSN ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: install run test bench browser lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# the official AsyncAPI parser that validates each service's event contract (tests/test_asyncapi.py), from the npm
# registry at the versions package-lock.json pins; installed only when missing
ASYNCAPI_TOOLS := tools/asyncapi/node_modules

$(ASYNCAPI_TOOLS):
	npm ci --prefix tools/asyncapi --no-audit --no-fund --loglevel=error >/dev/null

# the workspace's browser assets (Apache ECharts for the officers' dashboards), served by the app from here
WEB_ASSETS := tools/web/node_modules

$(WEB_ASSETS):
	npm ci --prefix tools/web --no-audit --no-fund --loglevel=error >/dev/null

install: $(STAMP) | $(ASYNCAPI_TOOLS) $(WEB_ASSETS)

# Debian's chromium for the page tests (Playwright drives it; no browser download), and a CJK font so the
# pages show the Chinese people read, not tofu boxes; jq for the README's examples (tests/test_readme_examples.py).
# Each is installed only when missing.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@test -n "$$(fc-list :lang=zh 2>/dev/null)" || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null)
	@command -v jq >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null)

run: install
	$(VENV)/bin/cxzy up

test: install browser
	$(PY) -m pytest -q -p no:cacheprovider

bench: install
	$(PY) -m bench.run $(if $(QUICK),--quick,)

lint: install
	$(VENV)/bin/ruff check shared services tests || true

clean:
	rm -rf var
