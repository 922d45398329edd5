"""The running service's list: reload keeps the last good list when the new files are bad."""

from __future__ import annotations

from pathlib import Path
from threading import Lock

from dispatcher.lists import ResponsibilityList
from models.lists.errors import ListError, ListValidationError
from models.lists.loader import load_responsibility_list


class ListHolder:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._current: ResponsibilityList | None = None
        self._lock = Lock()

    @property
    def directory(self) -> Path:
        return self._directory

    def load(self) -> ResponsibilityList:
        """First load at start-up: a bad list is fatal (raises ListValidationError)."""
        loaded = load_responsibility_list(self._directory)
        with self._lock:
            self._current = loaded
        return loaded

    @property
    def current(self) -> ResponsibilityList:
        with self._lock:
            if self._current is None:
                raise RuntimeError("responsibility list not loaded yet: call load() first")
            return self._current

    def reload(self) -> list[ListError]:
        """Re-read the directory; on failure keep the last good list and return the errors."""
        try:
            loaded = load_responsibility_list(self._directory)
        except ListValidationError as exc:
            return exc.errors
        with self._lock:
            self._current = loaded
        return []
