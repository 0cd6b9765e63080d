# The book's commands. A newcomer needs two: `make book` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(sort $(wildcard book/[0-9][0-9]_*.ipynb))
NB ?= $(NOTEBOOKS) book/timings.ipynb
# The notebooks import this checkout's helpers (also from a git worktree sharing one venv).
export PYTHONPATH := $(CURDIR)
# Stored and compared outputs carry no progress bars.
export HELPERS_PROGRESS := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test unit nbval site lab execute stamp clean

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

## make test: helpers' unit tests, every notebook re-run and compared (nbval), the strict site build
test: unit nbval book

unit: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n 2 tests

nbval: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n 2 --dist loadscope --nbval --nbval-current-env \
	  --nbval-cell-timeout=300 -p no:cacheprovider $(NOTEBOOKS) book/timings.ipynb

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
