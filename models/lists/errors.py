"""Validation errors of a responsibility list: every problem with its file, place and reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.lists import texts


@dataclass(frozen=True, slots=True)
class ListError:
    """One problem: the file, where in it (``categories[3].items[7].limit``, ``第 12 行``), why."""

    file: str
    location: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        return f"{where}: {self.reason}"


class ListValidationError(ValueError):
    """A list that must not be used; carries every error found, not only the first."""

    def __init__(self, errors: Iterable[ListError]) -> None:
        self.errors: list[ListError] = list(errors)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.errors) == 1:
            return str(self.errors[0])
        lines = [texts.TOTAL_ERRORS.format(count=len(self.errors))]
        lines.extend(str(error) for error in self.errors)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()
