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
_INTO = frozenset("往向朝")
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
    setting = _setting_spans(body, [h for h in hits if h[1].text not in index.stated])
    for start, term in hits:
        n = index.position[term.item.code]
        end = start + len(term.text)
        fresh = not all(covered[start:end])
        # A term inside a longer, already matched term counts little: "井盖" in "电力井盖".
        weight = term.weight * (1.0 if fresh else 0.3)
        if setting[start]:
            weight *= SETTING_FACTOR
        term_score[n] += weight
        evidence[n].append(term.text)
        for k in range(start, end):
            covered[k] = True
    gram_score: dict[int, float] = defaultdict(float)
    # The setting's own characters are no evidence either ("农贸市场" → 农贸, 市场).
    if any(setting):
        body = "".join("\x00" if setting[k] else c for k, c in enumerate(body))
    grams = bigrams(body)
    for gram in grams:
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


def _setting_spans(body: str, hits: list[tuple[int, Term]]) -> list[bool]:
    """Characters of names used as the setting, not as the problem: a run of names followed
    by a place word ("菜场门口…", "路灯杆上…", "停车场里…"), by 的 and another item's name
    ("农贸市场的公厕"), or a name that is a place by its ending ("校门口"). Names that say what
    is wrong ("路灯不亮") are left out by the caller: they are the problem."""
    setting = [False] * len(body)
    if not hits:
        return setting
    owner = [""] * (len(body) + 1)
    for start, term in hits:
        for k in range(start, start + len(term.text)):
            owner[k] = owner[k] or term.item.code
    k = 0
    while k < len(body):
        if not owner[k]:
            k += 1
            continue
        end = k
        while end < len(body) and owner[end]:
            end += 1
        # ... but not where something is thrown ("往绿化带里扔"): that place is what is hurt.
        into = body[k - 1 : k] in _INTO
        after = body[end : end + 1] == "的" and owner[end + 1] not in ("", owner[end - 1])
        if not into and (
            after or _SETTING_AFTER.match(body, end) or _SETTING_NAME.search(body, k, end)
        ):
            setting[k:end] = [True] * (end - k)
        k = end
    return setting


def _term_hits(index: ListIndex, body: str) -> list[tuple[int, Term]]:
    """Every (position, term) found once, longest terms first, then left to right."""
    hits: dict[tuple[str, str], tuple[int, Term]] = {}
    for start in range(len(body) - 1):
        for term in index.terms_by_head.get(body[start : start + 2], ()):
            if body.startswith(term.text, start):
                hits.setdefault((term.text, term.item.code), (start, term))
    return sorted(hits.values(), key=lambda h: (-len(h[1].text), h[0], h[1].item.code))
