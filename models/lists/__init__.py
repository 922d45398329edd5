"""Responsibility-list files: YAML loader with full validation, XLSX/CSV import and export."""

from models.lists.errors import ListError, ListValidationError
from models.lists.holder import ListHolder
from models.lists.loader import build_list, load_responsibility_list

__all__ = [
    "ListError",
    "ListHolder",
    "ListValidationError",
    "build_list",
    "load_responsibility_list",
]
