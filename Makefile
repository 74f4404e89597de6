# Two commands on a fresh machine: `make landscape` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install landscape mandala check test fuzz bench logo-corpus diff-example clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# every output listed in landscape.yaml (output/ai-infra-landscape.svg/.png and their variants)
landscape: install
	$(VENV)/bin/landscape build --kind landscape

mandala: install
	$(VENV)/bin/landscape build --kind mandala

# exit 1 when an output in output/ is stale or missing, 2 on an error (as `landscape check`).
# make reports any failed recipe as 2, so the check runs while this file is read, and a
# stale result puts make in question mode (-q), whose "not up to date" status is 1.
CONFIG ?= landscape.yaml
ifeq ($(MAKECMDGOALS),check)
CHECK_STATUS := $(shell (test -x $(VENV)/bin/landscape || $(MAKE) --no-print-directory install) >&2 && \
                  $(VENV)/bin/landscape check --config $(CONFIG) >&2; echo $$?)
ifeq ($(CHECK_STATUS),1)
MAKEFLAGS += -q
else ifneq ($(CHECK_STATUS),0)
$(error landscape check failed (exit $(CHECK_STATUS)))
endif
endif
check:
	@true

test: install
	$(PY) -m pytest

# 7,000 generated inputs per fuzz test (21,000 in all); `make test` runs 700 each
fuzz: install
	LANDSCAPE_FUZZ_EXAMPLES=7000 $(PY) -m pytest tests/test_fuzz.py

bench: install
	$(PY) tests/bench.py
	$(PY) tests/bench_scale.py
	$(PY) tests/bench_adaptive.py

# README example of `landscape diff`: the default data against the tests' edited copy
# (5 added, 3 removed, 4 stage changes, 6 moved) -> output/ai-infra-diff.en.svg and .png
diff-example: install
	$(PY) tests/diff_example.py

# real logos through the loader: accepted, refused by reason, blank, fidelity, cold 1,000-card render
LOGO_CORPUS ?= ../shared/corpus/cncf-logos
logo-corpus: install
	$(PY) tests/logo_corpus.py $(LOGO_CORPUS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
