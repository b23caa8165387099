# Two commands on a fresh machine (Python 3.11 + pip):  make run   and   make test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= processed
INPUT  ?= raw

# no network: Prefect must not phone home
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install run test fuzz serve eval bench screenshots schema lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools<82" wheel
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/python -c "import pkg_resources, natasha, pymorphy3, spacy, prefect"  # fail fast on a broken env
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its pinned dependencies

run: $(STAMP)  ## process raw/ into processed/ through the Prefect flow (embedded Prefect, no server)
	$(BIN)/python -m pipeline run $(INPUT) --out $(OUT)

test: $(STAMP)  ## run the test suite on 2 worker processes, a test file per worker at a time (WORKERS=1: in one process)
	$(BIN)/python -m pytest -q $(if $(filter 1,$(or $(WORKERS),2)),,-n $(or $(WORKERS),2) --dist loadfile --no-loadscope-reorder)

fuzz: $(STAMP)  ## the property tests with 10 000 inputs each (every raw scanner and parser must never raise)
	FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q tests/test_properties.py

serve: $(STAMP)  ## serve the ingest (cron), reprocess and evaluate deployments; starts a local Prefect server if none answers
	$(BIN)/python -m pipeline serve --port $(or $(PORT),4200) --out $(OUT)

eval: $(STAMP)  ## score the pipeline on the gold dev split (SPLIT=test for reporting)
	$(BIN)/python -m pipeline eval --split $(or $(SPLIT),dev) --out $(OUT)

bench: $(STAMP)  ## speed and memory against the targets in scripts/bench.py (GIANT=20: a 20 MB article; SCALE=1000: store growth + 2 workers; VOLUME=10000: memory of a long run)
	$(BIN)/python scripts/bench.py $(if $(GIANT),--giant $(GIANT)) $(if $(SCALE),--incremental --parallel $(SCALE)) $(if $(VOLUME),--volume $(VOLUME))

screenshots: $(STAMP)  ## screenshots of the review site of processed/ into docs/ (needs Chromium)
	$(BIN)/python scripts/screenshots.py

schema: $(STAMP)  ## regenerate the data dictionary from pipeline/schema.py
	$(BIN)/python -m pipeline schema --out docs/DATA_DICTIONARY.md

lock: $(STAMP)  ## re-pin constraints.txt from the current .venv
	@{ sed -n '1,3p' constraints.txt; echo "setuptools==$$($(BIN)/python -m pip show setuptools | awk '/^Version/{print $$2}')"; \
	   $(BIN)/python -m pip freeze --exclude-editable | grep -v -i '^ru-technews-pipeline'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:  ## remove generated output (keeps .venv)
	rm -rf $(addprefix $(OUT)/,articles mentions entities amounts timex claims claim_amounts rejects eval_metrics .staging) \
	       $(OUT)/DATA_DICTIONARY.md $(OUT)/.lock .pytest_cache
