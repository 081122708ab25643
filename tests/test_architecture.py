"""The layers stay as docs/architecture.md draws them: each folder imports only what it may.

Read from the source with `ast` (imports inside functions count too), so a forbidden import
fails here before anyone runs the code that makes it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRODUCTION = ("ras_core", "actions", "bot", "dashboard", "accessibility")
MAX_LINES = 400

# (folder or module, imports it must not make: a module name and everything under it)
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("ras_core", ("bot", "actions", "dashboard", "accessibility", "rasa", "rasa_sdk", "tests")),
    (
        "ras_core/domain",
        (
            "ras_core.store",
            "ras_core.conversation",
            "ras_core.notify",
            "ras_core.casework",
            "ras_core.settings",
            "ras_core.deployment",
            "sqlalchemy",
            "alembic",
            "os",
        ),
    ),  # fmt: skip
    ("ras_core/store", ("ras_core.conversation", "ras_core.notify", "ras_core.casework")),
    ("ras_core/conversation", ("sqlalchemy", "alembic")),
    ("ras_core/notify", ("ras_core.conversation", "sqlalchemy")),
    ("ras_core/casework.py", ("ras_core.conversation", "ras_core.notify", "sqlalchemy")),
    ("bot/telegram", ("ras_core.store", "ras_core.casework", "sqlalchemy", "actions", "dashboard")),
    ("bot/terminal", ("ras_core", "sqlalchemy", "actions", "dashboard")),
    ("bot/launcher", ("ras_core.conversation", "ras_core.casework", "actions", "dashboard")),
    ("bot/cluster", ("ras_core.conversation", "ras_core.casework", "actions", "dashboard")),
    ("actions", ("sqlalchemy", "bot", "dashboard")),
    ("dashboard", ("sqlalchemy", "bot", "actions", "rasa", "rasa_sdk")),
    ("accessibility", ("ras_core.store", "ras_core.conversation", "bot", "actions", "dashboard")),
]


def python_files(where: str) -> list[Path]:
    path = REPO / where
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def breaks(module: str, forbidden: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in forbidden)


@pytest.mark.parametrize(("where", "forbidden"), RULES, ids=[rule[0] for rule in RULES])
def test_each_layer_imports_only_what_it_may(where: str, forbidden: tuple[str, ...]) -> None:
    found = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in python_files(where)
        for line, module in imports(path)
        if breaks(module, forbidden)
    ]
    assert found == []


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(REPO))
        for folder in (*PRODUCTION, "scripts", "benchmarks")
        for path in python_files(folder)
        if "os.environ" in path.read_text(encoding="utf-8")
        or "getenv(" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["ras_core/settings.py"]


def test_only_the_store_speaks_sql() -> None:
    speakers = [
        str(path.relative_to(REPO))
        for folder in PRODUCTION
        for path in python_files(folder)
        for _, module in imports(path)
        if breaks(module, ("sqlalchemy", "alembic"))
        and not str(path.relative_to(REPO)).startswith("ras_core/store/")
    ]
    assert speakers == []


def test_no_production_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(REPO)): lines
        for folder in PRODUCTION
        for path in python_files(folder)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_rules_name_folders_that_exist() -> None:
    missing = [where for where, _ in RULES if not (REPO / where).exists()]
    assert missing == []
