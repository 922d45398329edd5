"""The dependency rule: bot -> dispatcher <- models. The core imports no framework."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_CORE = {
    "fastapi", "starlette", "sqlalchemy", "alembic", "wechatpy", "httpx", "apscheduler",
    "uvicorn", "typer", "click", "rich", "pydantic", "pydantic_settings", "yaml", "openpyxl",
    "jieba", "chinese_calendar", "prometheus_client", "requests", "bot", "models",
}
FORBIDDEN_IN_MODELS = {"bot", "fastapi", "starlette", "wechatpy", "uvicorn", "typer"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _python_files("dispatcher"), ids=lambda p: p.name)
def test_core_imports_no_framework(path: Path) -> None:
    bad = _imported_roots(path) & FORBIDDEN_IN_CORE
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _python_files("models"), ids=lambda p: p.name)
def test_models_do_not_import_the_outward_face(path: Path) -> None:
    bad = _imported_roots(path) & FORBIDDEN_IN_MODELS
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from sqlalchemy import select\nimport dispatcher.lists\n", encoding="utf-8")
    assert _imported_roots(sample) & FORBIDDEN_IN_CORE == {"sqlalchemy"}
