# The book's commands. A newcomer needs two: `make book` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(sort $(wildcard book/[0-9][0-9]_*.ipynb))
# Pages generated from the executed chapters: run them after the chapters.
PAGES := book/results.ipynb book/timings.ipynb
NB ?= $(NOTEBOOKS) $(PAGES)
# A second numeric path, as another CPU would take: ATen's portable kernels instead of the
# machine's AVX2/AVX-512 ones, MKL in its reproducible mode. Compared outputs must still match and
# every claim must still hold there.
OTHER_CPU := ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE
NBVAL := $(BIN)/python -m pytest -q -n 2 --dist loadscope --nbval --nbval-current-env \
  --nbval-cell-timeout=300 -p no:cacheprovider -p tests.nbval_measured
# The notebooks import this checkout's helpers (also from a git worktree sharing one venv).
export PYTHONPATH := $(CURDIR)
# Stored and compared outputs carry no progress bars.
export HELPERS_PROGRESS := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test unit format nbval nbval-other-cpu site browser bench lab execute stamp clean

$(BIN)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(BIN)/pip install --quiet --no-deps -e . 2>&1 | { grep -v "^WARNING: Location" || true; }
	touch $@

## make book: build the static site from the committed notebook outputs (warnings are errors)
book: site
	@echo "The book: $(CURDIR)/_build/html/index.html"

site: $(BIN)/.installed
	rm -rf _build
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going --quiet

## make test: code formatted, helpers' unit tests, every notebook re-run and compared (nbval), again
## on a second numeric path, the strict site build, and the site read in a browser, offline
test: format unit nbval nbval-other-cpu book browser

format: $(BIN)/.installed
	$(BIN)/ruff format --check --quiet book helpers tests || \
	  { echo "Code is not formatted: run \`$(BIN)/ruff format book helpers tests\`"; exit 1; }

unit: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n 2 tests --ignore=tests/browser

nbval: $(BIN)/.installed
	$(NBVAL) $(NOTEBOOKS) $(PAGES)

nbval-other-cpu: $(BIN)/.installed
	@echo "The chapters again, on a second numeric path ($(OTHER_CPU)):"
	$(OTHER_CPU) $(NBVAL) $(NOTEBOOKS)

## make browser: the built site in headless Chromium with the network cut off (skips, saying how to
## install Chromium, where there is none)
browser: $(BIN)/.installed
	$(BIN)/python -m pytest -q -rs -n 2 tests/browser

## make bench: each demo's redraw time (median of 5), against the 100 ms target; on an idle machine
bench: $(BIN)/.installed
	$(BIN)/python -m tests.bench_demos

## make lab: JupyterLab on the book
lab: $(BIN)/.installed
	HELPERS_PROGRESS=1 $(BIN)/jupyter lab book

## make execute [NB=book/01_x.ipynb]: re-run notebooks in place, storing outputs and cell timings
## (the timings page reads them: run it last, on an otherwise idle machine)
execute: $(BIN)/.installed
	@for nb in $(NB); do echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=600 "$$nb" || exit 1; done

## make stamp: copy repository.url from _config.yml into every notebook's set-up cell (Colab installs helpers from it)
stamp:
	@url=$$(sed -n 's/^  url: *//p' _config.yml); \
	  sed -i -E "s#\"git\+https?://[^\"\\\\]*#\"git+$$url#" $(NOTEBOOKS); \
	  grep -l "git+$$url" $(NOTEBOOKS)

clean:
	rm -rf _build .pytest_cache
