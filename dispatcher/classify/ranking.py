"""Rank items for one message: whole-term hits first, shared rare bigrams second."""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from dispatcher.classify.index import ListIndex, Term
from dispatcher.classify.text import bigrams
from dispatcher.lists import Item

TERM_FACTOR = 1.0
BIGRAM_FACTOR = 0.12
SETTING_FACTOR = 0.3  # a name used as the setting ("菜场门口…", "停车场里…") is context
# What follows a name that is used as a place rather than as the problem: "菜场门口那家…",
# "农贸市场里…", "公厕旁边…"; and names that are themselves a place by their ending (校门口).
_SETTING_AFTER = re.compile(
    r"门口|门前|里|旁|边上|对面|附近|后面|后门|前面|外面|周边|隔壁|二楼|楼上|楼下|内|上(?![次周个午班学])"
)
_SETTING_NAME = re.compile(r"(?:门口|周边|附近)$")


@dataclass(frozen=True, slots=True)
class Ranked:
    item: Item
    raw: float  # unbounded evidence strength; calibrated later
    evidence: tuple[str, ...]
    term_hit: bool  # at least one whole name/alias was found
    term: float = 0.0  # the part of ``raw`` from whole names/aliases (settings discounted)


def rank(
    index: ListIndex, body: str, *, limit: int = 8, boost: Mapping[str, float] | None = None
) -> list[Ranked]:
    """Items for a prepared message, strongest first."""
    term_score: dict[int, float] = defaultdict(float)
    evidence: dict[int, list[str]] = defaultdict(list)
    covered = [False] * len(body)
    hits = _term_hits(index, body)
    # "农贸市场的公厕": a name followed by 的 and another item's name is that name's setting.
    starts = {start: term.item.code for start, term in hits}
    for start, term in hits:
        n = index.position[term.item.code]
        end = start + len(term.text)
        fresh = not all(covered[start:end])
        # A term inside a longer, already matched term counts little: "井盖" in "电力井盖".
        weight = term.weight * (1.0 if fresh else 0.3)
        owner_after = starts.get(end + 1, term.item.code) if body[end : end + 1] == "的" else None
        if (
            _SETTING_NAME.search(term.text)
            or _SETTING_AFTER.match(body, end)
            or (owner_after is not None and owner_after != term.item.code)
        ):
            weight *= SETTING_FACTOR
        term_score[n] += weight
        evidence[n].append(term.text)
        for k in range(start, end):
            covered[k] = True
    gram_score: dict[int, float] = defaultdict(float)
    for gram in bigrams(body):
        for n, weight in index.bigram_postings.get(gram, ()):
            gram_score[n] += weight
    boost = boost or {}
    raw = {
        n: TERM_FACTOR * term_score.get(n, 0.0)
        + BIGRAM_FACTOR * gram_score.get(n, 0.0)
        + boost.get(index.items[n].department, 0.0)
        for n in set(term_score) | set(gram_score)
    }
    best = heapq.nsmallest(limit, raw, key=lambda n: (-raw[n], index.items[n].code))
    return [
        Ranked(
            item=index.items[n],
            raw=raw[n],
            evidence=tuple(dict.fromkeys(evidence.get(n, ()))),
            term_hit=n in term_score,
            term=term_score.get(n, 0.0),
        )
        for n in best
    ]


def _term_hits(index: ListIndex, body: str) -> list[tuple[int, Term]]:
    """Every (position, term) found once, longest terms first, then left to right."""
    hits: dict[tuple[str, str], tuple[int, Term]] = {}
    for start in range(len(body) - 1):
        for term in index.terms_by_head.get(body[start : start + 2], ()):
            if body.startswith(term.text, start):
                hits.setdefault((term.text, term.item.code), (start, term))
    return sorted(hits.values(), key=lambda h: (-len(h[1].text), h[0], h[1].item.code))
