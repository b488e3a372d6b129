# Commune Desk — `make run` starts the desk on its defaults, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test test-dates bench venv clean docs deb check-deb

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,server]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) -m commune_desk.demo

test: venv
	$(PY) -m pytest -q

# the tests that involve dates, with the machine's clock moved (Debian package faketime): New Year's
# Eve in Vietnam, inside Tết 2027, mid-year.
FAKE_DATES := "2026-12-31 23:30 +07:00" "2027-02-06" "2027-07-01"
DATE_TESTS := tests/test_calendar_deadline.py tests/test_rules_misc.py tests/test_lifecycle.py tests/test_store.py \
	tests/test_processing.py tests/test_cli.py tests/test_forms.py tests/test_intake_gui.py tests/gui \
	tests/district/test_district_pages.py tests/district/test_report_engine.py tests/reports/test_report_sql.py \
	tests/sync/test_sync_basics.py
test-dates: venv
	@for when in $(FAKE_DATES); do echo "== faketime $$when"; \
	  faketime "$$when" $(PY) -m pytest -q -p no:cacheprovider $(DATE_TESTS) || exit 1; \
	done

# the desk as a Debian package (a PyInstaller folder in /opt/commune-desk) in dist/; check-deb builds
# it, installs it with dpkg, runs `commune-desk --selftest` under Xvfb and removes it (root; CI does)
deb: venv
	$(PY) -m pip install -q -e '.[package]'
	installer/build-deb.sh dist

check-deb: venv
	$(PY) -m pip install -q -e '.[package]'
	installer/check-deb.sh

bench: venv
	$(if $(DISPLAY),,xvfb-run -a) $(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache

# screenshots of the window and renders of the forms into docs/ (needs xvfb-run and ImageMagick)
docs: venv
	$(PY) docs/make_form_samples.py
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) docs/make_screenshots.py
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) docs/make_screenshots_processing.py
	for size in 1024x768 1366x768; do xvfb-run -a -s "-screen 0 $${size}x24" $(PY) -m tests.gui.fit_check --shots docs/screens; done
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) docs/make_report_samples.py
	$(PY) docs/make_screenshots_district.py
	xvfb-run -a -s "-screen 0 1366x768x24" $(PY) docs/make_screenshots_setup.py
