# Two commands on a fresh machine: `make landscape` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install landscape mandala test bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

landscape: install
	$(VENV)/bin/landscape render data/ai-infra.yaml --layout layouts/ai-infra.yaml -o output --format svg,png

mandala: install
	$(VENV)/bin/landscape mandala data/ai-infra-mandala.yaml --lang zh-CN -o output --format svg,png

test: install
	$(PY) -m pytest

bench: install
	$(PY) tests/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
