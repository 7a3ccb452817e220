# copilot: `make run` sets everything up and starts the app; `make test` sets up and runs all tests.
# Every step skips what is already done, so a second run is fast.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
DEPS   := $(VENV)/.deps-installed
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Debian packages: FluidSynth and a General MIDI soundfont for audio previews;
# Chromium and its driver for the browser test; PostgreSQL for the state database tests
# (they start a throwaway cluster of their own on 127.0.0.1; nothing is left running).
SYS_RUN  := fluidsynth timgm6mb-soundfont
SYS_TEST := $(SYS_RUN) chromium chromium-driver postgresql

.PHONY: help setup setup-test run test lint bench audit clean-store system-run system-test models-run models-test demo-data

help:
	@echo "make run    set up everything and start the app on http://127.0.0.1:7860"
	@echo "make test   set up everything and run all tests"
	@echo "make lint   ruff + mypy + import contracts (layers run one way)"
	@echo "make bench  run the benchmarks (writes bench/out/*.json)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel setuptools

# torch first (the CPU 2.13.0 build; an unpinned torch pulls a multi-GB CUDA build),
# then llama-cpp-python (compiled once, then reused from pip's wheel cache), then the rest.
$(DEPS): $(PY) pyproject.toml requirements.lock
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q 'llama-cpp-python[server]==0.3.36'
	$(PIP) install -q -c requirements.lock -e '.[dev]'
	touch $@

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system-run:
	$(call apt_install,$(SYS_RUN))

system-test:
	$(call apt_install,$(SYS_TEST))

models-run: $(DEPS)
	$(PY) -m copilot.models setup embedder default

models-test: $(DEPS)
	$(PY) -m copilot.models setup embedder tiny

demo-data: models-run
	$(PY) -m copilot catalog load-demo

setup: $(DEPS) system-run models-run demo-data

setup-test: $(DEPS) system-test models-test

run: setup
	$(PY) app.py

test: setup-test
	$(PY) -m pytest

lint: $(DEPS)
	$(VENV)/bin/ruff check copilot tests bench app.py
	$(VENV)/bin/ruff format --check copilot tests bench app.py
	$(VENV)/bin/mypy copilot
	$(VENV)/bin/lint-imports

bench: $(DEPS) models-run
	$(PY) bench/run_all.py

# pip-audit where a vulnerability database answers (exit 2: none reachable from here);
# tests/test_dependencies.py checks version floors offline in every test run.
audit: $(DEPS)
	$(PY) bench/audit.py

clean-store:
	rm -rf vectorstore/chroma
