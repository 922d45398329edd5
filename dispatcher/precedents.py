"""Rulings as precedents: a station head's 裁决 re-routes the same item next time.

A precedent says "item X goes to department Y" (optionally only when the message also
contains all of ``keywords``). The desk applies the active ones to every classification
before it dispatches, so a ruling changes the next dispatch; the classifier can use the same
function to explain its routing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from dispatcher.classification import Classification, ItemMatch
from dispatcher.grammar import normalise


@dataclass(frozen=True, slots=True)
class Precedent:
    item_code: str
    department: str  # where the ruling sent it
    created_by: str
    created_at: datetime
    keywords: tuple[str, ...] = ()  # all must appear in the text; empty: the item alone
    from_department: str | None = None  # the list's (or disputing) department
    community_id: str | None = None  # where the ruling was made; None applies everywhere
    ticket_tag: str | None = None  # the ruling's ticket
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def applies_to(self, match: ItemMatch, text: str) -> bool:
        return (self.active and not match.duty and match.item.code == self.item_code
                and all(k in text for k in self.keywords))


def applicable(precedents: Iterable[Precedent], community_id: str | None) -> list[Precedent]:
    """The active precedents that hold in one community (its own and the global ones)."""
    return [p for p in precedents
            if p.active and (p.community_id is None or p.community_id == community_id)]


def apply_precedents(classification: Classification,
                     precedents: Sequence[Precedent]) -> Classification:
    """Re-route item matches to the department a ruling chose; the latest ruling wins.

    Keyword precedents are more specific than item-only ones and are tried first.
    """
    if not precedents or not (classification.items or classification.candidates):
        return classification
    text = normalise(classification.text)
    ordered = sorted(precedents, key=lambda p: (len(p.keywords), p.created_at), reverse=True)

    def route(match: ItemMatch) -> ItemMatch:
        for precedent in ordered:
            if precedent.applies_to(match, text):
                evidence = (*match.evidence, f"先例#{precedent.id}" if precedent.id else "先例")
                return replace(match, department=precedent.department, evidence=evidence)
        return match

    return replace(classification, items=tuple(route(m) for m in classification.items),
                   candidates=tuple(route(m) for m in classification.candidates))
