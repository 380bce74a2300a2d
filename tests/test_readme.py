"""The README is the user's manual: its commands and examples must work as written."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_the_two_set_up_commands() -> None:
    assert blocks("sh")[:2] == [
        "pip install -e . && vnsearch search \"cong doan\"\n",
        "pip install -e '.[test]' && pytest\n",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    assert "pip install -e '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()


def test_quickstart_search_on_a_fresh_checkout(workdir: Path) -> None:
    vnsearch = shutil.which("vnsearch") or str(Path(sys.executable).parent / "vnsearch")
    result = subprocess.run([vnsearch, "search", "cong doan"], capture_output=True, text=True, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "No index yet: building index/ from seeds/ (first run)…\n"
    assert "1. Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm" in result.stdout


def test_python_module_entry_point(workdir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "searcher", "--version"], capture_output=True, text=True)
    assert result.stdout.startswith("vnsearch, version ")


def test_python_example_runs(workdir: Path) -> None:
    (python,) = blocks("python")
    exec(compile(python, "README.md", "exec"), {})


def test_analyze_example_is_what_the_command_prints(workdir: Path) -> None:
    example = next(b for b in blocks("text") if b.startswith("$ vnsearch analyze"))
    command, *expected = example.splitlines()
    text = re.search(r'"(.*)"', command).group(1)  # type: ignore[union-attr]
    result = subprocess.run([sys.executable, "-m", "searcher", "analyze", text], capture_output=True, text=True)
    assert result.stdout.splitlines() == expected
