"""Rank items for one message: whole-term hits first, shared rare bigrams second."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dispatcher.classify.index import ListIndex
from dispatcher.classify.text import bigrams
from dispatcher.lists import Item

TERM_FACTOR = 1.0
BIGRAM_FACTOR = 0.12


@dataclass(frozen=True, slots=True)
class Ranked:
    item: Item
    raw: float  # unbounded evidence strength; calibrated later
    evidence: tuple[str, ...]
    term_hit: bool  # at least one whole name/alias was found


def rank(index: ListIndex, body: str, *, limit: int = 8) -> list[Ranked]:
    """Items for a prepared message, strongest first."""
    term_score: dict[int, float] = defaultdict(float)
    evidence: dict[int, list[str]] = defaultdict(list)
    positions = {item.code: n for n, item in enumerate(index.items)}
    covered = [False] * len(body)
    for term in index.terms:
        start = body.find(term.text)
        if start < 0:
            continue
        n = positions[term.item.code]
        fresh = not all(covered[start:start + len(term.text)])
        # A term inside a longer, already matched term counts little: "井盖" in "电力井盖".
        term_score[n] += term.weight * (1.0 if fresh else 0.3)
        evidence[n].append(term.text)
        for k in range(start, start + len(term.text)):
            covered[k] = True
    gram_score: dict[int, float] = defaultdict(float)
    for gram in bigrams(body):
        for n, weight in index.bigram_postings.get(gram, ()):
            gram_score[n] += weight
    scored = [
        Ranked(item=index.items[n],
               raw=TERM_FACTOR * term_score.get(n, 0.0) + BIGRAM_FACTOR * gram_score.get(n, 0.0),
               evidence=tuple(dict.fromkeys(evidence.get(n, ()))), term_hit=n in term_score)
        for n in set(term_score) | set(gram_score)
    ]
    scored.sort(key=lambda r: (-r.raw, r.item.code))
    return scored[:limit]
