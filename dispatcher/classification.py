"""What a classifier decides about one message, and the port every classifier implements."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from dispatcher.grammar import Command
from dispatcher.lists import Item


class Intent(StrEnum):
    REPORT = "report"
    COMMAND = "command"
    CHATTER = "chatter"


class Decision(StrEnum):
    DISPATCH = "dispatch"
    TRIAGE = "triage"  # hand to the station head rather than guess
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class ItemMatch:
    item: Item
    score: float
    evidence: tuple[str, ...]
    department: str  # usually item.department; a precedent may route elsewhere
    # A department suggested by its duty words (classify/duties.py): ``item`` is a placeholder
    # named after the duty word, with no code; such a match is never dispatched or timed.
    duty: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "code": None if self.duty else self.item.code,
            "list": None if self.duty else self.item.list.value,
            "category": self.item.category, "name": self.item.name,
            "department": self.department, "co_departments": list(self.item.co_departments),
            "urgency": self.item.urgency.value, "score": round(self.score, 3),
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Classification:
    text: str
    intent: Intent
    decision: Decision
    items: tuple[ItemMatch, ...] = ()
    candidates: tuple[ItemMatch, ...] = ()
    command: Command | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text, "intent": self.intent.value, "decision": self.decision.value,
            "items": [m.as_json() for m in self.items],
            "candidates": [m.as_json() for m in self.candidates],
        }


class Classifier(Protocol):
    def classify(self, text: str) -> Classification: ...
