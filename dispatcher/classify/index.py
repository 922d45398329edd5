"""The list index: every item's names, aliases and condition words, weighted for ranking.

Two signals, both explainable: whole terms (names, aliases) found in the message, and
character bigrams shared with the item's wording, weighted by how rare they are across
the list (a bigram used by one item says more than one used by forty).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatcher.classify.signals import problem_word
from dispatcher.classify.text import bigrams, compact, correct, fold
from dispatcher.lists import Item, ListKind, ResponsibilityList

Tokenizer = Callable[[str], Iterable[str]]
NAME_WEIGHT = 1.0
ALIAS_WEIGHT = 1.0
CONDITION_WEIGHT = 0.25
MIN_TERM = 2


def prepare(text: str) -> str:
    return compact(correct(fold(text)))


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    item: Item
    weight: float  # rarer and longer terms weigh more


class ListIndex:
    """Built once per list (well under a second for the default 254 items)."""

    def __init__(self, responsibility_list: ResponsibilityList) -> None:
        self.list = responsibility_list
        self.items = responsibility_list.items
        self.terms = self._build_terms(self.items)
        # Department names people type ("@交警", "喊社区来"): who the reporter thinks owns it.
        # Only a name used *as a department* counts: "城东社区2组" is a place, "找社区" is not.
        self.department_of_name = {
            name.lower(): dept.id
            for dept in responsibility_list.departments.values()
            for name in (dept.name, *dept.short_names)
            if len(name) >= 2
        }
        names = "|".join(sorted(map(re.escape, self.department_of_name), key=len, reverse=True))
        self.department_re = re.compile(
            rf"(?:@|找|喊|叫|请|通知)({names})|({names})(?:来|那边|的同志|处理|管)"
        )
        self.name_bigrams = {
            item.code: frozenset().union(*(bigrams(prepare(n)) for n in (item.name, *item.aliases)))
            for item in self.items
        }
        # Names that say what is wrong ("路灯不亮", "红绿灯坏了") are problems, never a setting.
        self.stated = frozenset(t.text for t in self.terms if problem_word(t.text))
        self.position = {item.code: n for n, item in enumerate(self.items)}
        # Terms by their first two characters: a message is scanned once, not once per term.
        self.terms_by_head: dict[str, list[Term]] = defaultdict(list)
        for term in self.terms:
            self.terms_by_head[term.text[:2]].append(term)
        self.bigram_postings = self._build_bigrams(self.items)

    @staticmethod
    def _build_terms(items: Iterable[Item]) -> list[Term]:
        owners: dict[str, set[str]] = defaultdict(set)
        for item in items:
            for raw in (item.name, *item.aliases):
                term = prepare(raw)
                if len(term) >= MIN_TERM:
                    owners[term].add(item.code)
        by_code = {item.code: item for item in items}
        terms = [
            Term(text=t, item=by_code[code], weight=min(len(t), 4) / len(codes))
            for t, codes in owners.items()
            for code in sorted(codes)
        ]
        return sorted(terms, key=lambda t: (-len(t.text), t.item.code))

    @staticmethod
    def _build_bigrams(items: tuple[Item, ...]) -> dict[str, list[tuple[int, float]]]:
        profiles: list[dict[str, float]] = []
        for item in items:
            profile: dict[str, float] = {}
            for raw, weight in _wordings(item):
                for gram in bigrams(prepare(raw)):
                    profile[gram] = max(profile.get(gram, 0.0), weight)
            profiles.append(profile)
        df: dict[str, int] = defaultdict(int)
        for profile in profiles:
            for gram in profile:
                df[gram] += 1
        n = len(items)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, profile in enumerate(profiles):
            for gram, weight in profile.items():
                postings[gram].append((position, weight * math.log(1 + n / df[gram])))
        return dict(postings)

    def first_term(self, body: str, *, kind: ListKind | None = None) -> str | None:
        """The first item name or alias (of one list kind, if given) in a prepared text.

        Event wordings describe a problem ("乱停车", "群租"); component wordings name an object
        ("邮箱", "工地") that is only a problem with a problem word next to it.
        """
        for start in range(len(body) - 1):
            for term in self.terms_by_head.get(body[start : start + 2], ()):
                if (kind is None or term.item.list is kind) and body.startswith(term.text, start):
                    return term.text
        return None


def _wordings(item: Item) -> Iterable[tuple[str, float]]:
    yield item.name, NAME_WEIGHT
    for alias in item.aliases:
        yield alias, ALIAS_WEIGHT
    for condition in item.conditions:
        yield condition.filing, CONDITION_WEIGHT
