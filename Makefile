# Commune Desk — `make run` starts the desk on its defaults, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test bench venv clean docs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) -m commune_desk.demo

test: venv
	$(PY) -m pytest -q

bench: venv
	$(if $(DISPLAY),,xvfb-run -a) $(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache

# screenshots of the window and renders of the forms into docs/ (needs xvfb-run and ImageMagick)
docs: venv
	$(PY) docs/make_form_samples.py
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) docs/make_screenshots.py
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) docs/make_screenshots_processing.py
