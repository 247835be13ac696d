# The two fresh-machine commands: `make demo` (the main job on bundled data) and `make test` (ruff, then pytest).
# Each creates .venv and installs the pinned dependencies (constraints.txt) first when needed.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint install bench clean browser serve

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/dozor demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .

serve: $(STAMP)
	$(VENV)/bin/dozor serve

# The console's browser tests drive Debian's chromium through its chromedriver; nothing is downloaded at run time.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -q && apt-get install -y -q chromium chromium-driver) >/dev/null; \
	  else echo "chromium/chromedriver missing and not root: browser tests will be skipped outside CI"; fi; \
	fi

test: lint browser
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/python bench/run_all.py

clean:
	rm -rf $(VENV) data
