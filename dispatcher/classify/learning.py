"""Learned examples: labelled history and station-head rulings that change later decisions.

A new message that is very similar (character-bigram Jaccard) to a learned example takes
that example's department, and its item when the example names one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from dispatcher.classification import ItemMatch
from dispatcher.classify.index import prepare
from dispatcher.classify.text import bigrams
from dispatcher.lists import ResponsibilityList

SIMILAR_ENOUGH = 0.6


@dataclass(frozen=True, slots=True)
class LearnedExample:
    id: int
    text: str
    department: str
    item_code: str | None = None
    source: str = "learn"  # "learn" (gridbot learn) | "transfer" | "ruling"


@dataclass(frozen=True, slots=True)
class Precedent:
    example: LearnedExample
    similarity: float

    def apply(self, match: ItemMatch | None, lst: ResponsibilityList) -> ItemMatch | None:
        """The ranked match re-routed (and re-itemed when the example names an item)."""
        cue = f"先例#{self.example.id}"
        item = lst.item(self.example.item_code) if self.example.item_code else None
        if item is None and match is None:
            return None
        if match is None or (item is not None and item.code != match.item.code):
            assert item is not None
            return ItemMatch(
                item=item,
                score=self.similarity,
                evidence=(cue,),
                department=self.example.department,
            )
        return replace(
            match,
            department=self.example.department,
            score=max(match.score, self.similarity),
            evidence=(*match.evidence, cue),
        )


class LearnedIndex:
    def __init__(self, examples: Sequence[LearnedExample]) -> None:
        self._examples = [(e, bigrams(prepare(e.text))) for e in examples]

    def nearest(self, body: str) -> Precedent | None:
        grams = bigrams(body)
        if not grams:
            return None
        best: Precedent | None = None
        for example, their in self._examples:
            if not their:
                continue
            similarity = len(grams & their) / len(grams | their)
            if similarity >= SIMILAR_ENOUGH and (best is None or similarity > best.similarity):
                best = Precedent(example=example, similarity=round(similarity, 3))
        return best
