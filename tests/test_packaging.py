"""What `make run` installs (issue 11, item 17): the runtime dependencies declare every
library the code imports directly, never a test tool, and bound each pre-1.0 one below 1.0;
the Makefile installs the test extra only for the targets that use it.

Building a fresh virtual environment per test run is too slow for the suite, so the imports
are read with `ast` and checked against `pyproject.toml`, and the Makefile's plan is read
from `make --dry-run`.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
OWN = {"rashomon", "crawler", "alerts", "tests", "benchmarks"}
TEST_TOOLS = {"pytest", "pytest-xdist", "ruff", "mypy", "import-linter", "playwright",
              "aiosmtpd"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(entries: Iterable[str]) -> dict[str, Requirement]:
    return {normalized(Requirement(entry).name): Requirement(entry) for entry in entries}


RUNTIME = requirements(PROJECT["dependencies"])
TEST_EXTRA = requirements(PROJECT["optional-dependencies"]["test"])


def imported(*folders: str) -> dict[str, set[str]]:
    """Each third-party top-level module imported under `folders`, with the files importing
    it (lazy imports inside functions included; `if TYPE_CHECKING:` ones too)."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _imports(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@cache
def distributions() -> dict[str, list[str]]:
    return packages_distributions()


def undeclared(modules: dict[str, set[str]], declared: Iterable[str]) -> dict[str, set[str]]:
    """The modules whose distribution is not among `declared`, with where they are imported."""
    names = set(declared)
    return {module: files for module, files in modules.items()
            if not {normalized(d) for d in distributions().get(module, [module])} & names}


def test_the_code_imports_only_declared_runtime_dependencies() -> None:
    modules = imported("rashomon", "crawler", "alerts")
    assert {"scrapy", "parsel", "twisted", "rich", "w3lib"} <= set(modules)  # the walk works
    assert undeclared(modules, RUNTIME) == {}


def test_the_benchmarks_need_only_the_runtime_and_the_tests_only_runtime_and_test_extra() -> None:
    assert undeclared(imported("benchmarks"), RUNTIME) == {}  # so `make bench` needs no extra
    assert undeclared(imported("tests"), {*RUNTIME, *TEST_EXTRA}) == {}


def test_no_test_tool_is_a_runtime_dependency() -> None:
    assert set(TEST_EXTRA) >= TEST_TOOLS
    assert not set(RUNTIME) & set(TEST_EXTRA)
    assert not set(RUNTIME) & TEST_TOOLS


def test_every_pre_1_0_dependency_is_bounded_below_1_0() -> None:
    """A 0.x release may break its API in any minor version; `<1` at least keeps 1.0 out."""
    unbounded = [str(requirement) for name, requirement in RUNTIME.items()
                 if version(name).startswith("0.") and requirement.specifier.contains("1.0")]
    assert unbounded == []


make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def plan(target: str, tmp_path: Path) -> list[str]:
    """The commands `make TARGET` would run for a new checkout (a venv not yet made)."""
    done = subprocess.run(["make", "--dry-run", "--always-make", target,
                           f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.splitlines()


@make
@pytest.mark.parametrize("target", ["run", "demo", "bench"])
def test_run_demo_and_bench_install_the_runtime_only(target: str, tmp_path: Path) -> None:
    installs = [line for line in plan(target, tmp_path) if "pip install" in line]
    assert installs[-1].endswith("pip install -q -e .")
    assert not [line for line in installs if "[test]" in line]


@make
@pytest.mark.parametrize("target", ["test", "lint"])
def test_test_and_lint_install_the_test_extra(target: str, tmp_path: Path) -> None:
    installs = [line for line in plan(target, tmp_path) if "pip install" in line]
    assert installs[-1].endswith("pip install -q -e '.[test]'")


def test_the_run_target_depends_on_the_runtime_stamp_only() -> None:
    rules = dict(re.findall(r"^([\w$().-]+):[ \t]*([^#\n]*)", (ROOT / "Makefile").read_text(),
                            re.MULTILINE))
    assert rules["run"].split() == ["$(RUNTIME)"]
    assert "[test]" not in _recipe("$(RUNTIME)")


def _recipe(target: str) -> str:
    text = (ROOT / "Makefile").read_text()
    start = text.index(f"\n{target}:")
    return "".join(re.findall(r"\n\t[^\n]*", text[start + 1:].split("\n\n")[0]))
