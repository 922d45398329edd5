"""Every list directory shipped under responsibility_lists/ must load and validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.lists import load_responsibility_list

LISTS = Path(__file__).resolve().parents[2] / "responsibility_lists"
DIRS = sorted(p.parent for p in LISTS.rglob("departments.yaml"))


def test_there_is_at_least_the_default_list() -> None:
    assert LISTS / "default" in DIRS


@pytest.mark.parametrize("directory", DIRS, ids=lambda p: p.name)
def test_list_directory_validates(directory: Path) -> None:
    lst = load_responsibility_list(directory)
    assert lst.items
