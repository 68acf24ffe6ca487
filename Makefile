# Two commands for a fresh machine (see README.md):
#   make demo   installs everything into .venv and starts the terminal demo (embedded default)
#   make test   installs everything into .venv (and Chromium for the browser tests, as root) and
#               runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: demo test lint bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/adminduk-bot demo

test: $(STAMP) chromium
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (Playwright comes with the dev extra), and the PDF
# checks render pages with poppler-utils (pdftoppm, pdftotext): installed here when root;
# otherwise those tests are skipped with the reason shown (CI=true makes the browser tests fail).
chromium:
	@missing=""; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing for the browser and PDF tests (apt-get install -y$$missing)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } \
	      >/dev/null 2>&1 || echo "Installing$$missing failed: the tests that need it will be skipped"; \
	  else \
	    echo "Missing$$missing: the tests that need it will be skipped (install: sudo apt-get install -y$$missing)"; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
