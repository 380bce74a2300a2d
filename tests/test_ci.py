"""CI cannot pass with tests skipped: ``.ci/run`` makes the browser and HTML tests required,
and a test module that lacks what it needs then fails instead of skipping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HTML_TESTS, ROOT

CI = (ROOT / ".ci" / "run").read_text()


def test_ci_requires_the_browser_and_html_tests_before_it_runs_them() -> None:
    before = CI[: CI.index("&& pytest\n")]
    assert "\nexport VNSEARCH_E2E=required\n" in before
    assert f"\nexport {HTML_TESTS}=required\n" in before


def run_html_tests(tmp_path: Path, required: bool) -> subprocess.CompletedProcess[str]:
    """The HTML tests without the shared pages (a folder that is not there) nor warcio (the warc extra)."""
    env = {k: v for k, v in os.environ.items() if k != HTML_TESTS}
    env["VNSEARCH_HTML_PAGES"] = str(tmp_path / "no-pages")
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # (schemathesis' and hypothesis' plugins take seconds to load, unused here)
    if required:
        env[HTML_TESTS] = "required"
    without_warcio = "import sys; sys.modules['warcio'] = None; import pytest; sys.exit(pytest.main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", without_warcio, "-q", "-p", "no:cacheprovider", "tests/test_html_pages.py", "tests/test_html_warc.py"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_the_html_tests_skip_without_their_pages_and_extras(tmp_path: Path) -> None:
    result = run_html_tests(tmp_path, required=False)
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout  # every module skipped: nothing ran
    assert f"no shared pages at {tmp_path / 'no-pages'}: set VNSEARCH_HTML_PAGES" in result.stdout
    assert "warcio is not installed: pip install -e '.[warc]'" in result.stdout
    assert "ERROR" not in result.stdout


def test_where_they_are_required_the_html_tests_fail_without_their_pages_and_extras(tmp_path: Path) -> None:
    result = run_html_tests(tmp_path, required=True)
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout  # errors collecting them
    assert f"{HTML_TESTS}=required but no shared pages at {tmp_path / 'no-pages'}: set VNSEARCH_HTML_PAGES" in result.stdout
    assert f"{HTML_TESTS}=required but warcio is not installed: pip install -e '.[warc]'" in result.stdout
    assert "ERROR tests/test_html_pages.py" in result.stdout and "ERROR tests/test_html_warc.py" in result.stdout
