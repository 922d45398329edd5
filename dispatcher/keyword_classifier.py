"""A first, explainable classifier: item names and aliases matched as substrings.

Every match carries the words that produced it, so a dispatch message can cite them.
The classifier issue replaces the ranking; the ``Classifier`` port stays the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dispatcher.classification import Classification, Decision, Intent, ItemMatch
from dispatcher.grammar import normalise, parse_command
from dispatcher.lists import Item, ResponsibilityList

# Short acknowledgements and pleasantries that must never open a ticket.
_CHATTER_RE = re.compile(
    r"^(?:收到|好的?|好滴|嗯+|ok|OK|谢谢|感谢|辛苦了?|👍|🙏|1|明白|了解|知道了|早上好|大家好|"
    r"\[图片\]|\[表情\]|[.。!！~～]+)[\s，,。!！~～👍🙏]*$"
)
_NOTICE_RE = re.compile(r"开会|会议|通知[:：]|请各位|参加|培训|台账|@所有人|签到|值班表")
_PROBLEM_RE = re.compile(
    r"乱|违|占|堵|坏|破|漏|没了|缺失|倒|脏|臭|吵|噪|冒|积水|垃圾|摆摊|摊|投诉|反映|隐患|危险|不亮"
)
MIN_TERM_LENGTH = 2


class KeywordClassifier:
    """Rank items by the longest names and aliases found in the message."""

    def __init__(self, *, responsibility_list: ResponsibilityList, max_candidates: int = 5) -> None:
        self._max_candidates = max_candidates
        self._terms = sorted(_index_terms(responsibility_list.items), key=lambda t: -len(t[0]))

    def classify(self, text: str) -> Classification:
        command = parse_command(text)
        if command is not None:
            return Classification(text=text, intent=Intent.COMMAND, decision=Decision.IGNORE,
                                  command=command)
        body = normalise(text)
        if not body or _CHATTER_RE.match(body) or (_NOTICE_RE.search(body) and
                                                   not _PROBLEM_RE.search(body)):
            return Classification(text=text, intent=Intent.CHATTER, decision=Decision.IGNORE)
        ranked = self._rank(body)
        if not ranked:
            looks_like_problem = bool(_PROBLEM_RE.search(body)) and len(body) >= 6
            intent = Intent.REPORT if looks_like_problem else Intent.CHATTER
            decision = Decision.TRIAGE if looks_like_problem else Decision.IGNORE
            return Classification(text=text, intent=intent, decision=decision)
        items = _distinct_problems(ranked)
        return Classification(text=text, intent=Intent.REPORT, decision=Decision.DISPATCH,
                              items=items, candidates=tuple(ranked[: self._max_candidates]))

    def _rank(self, body: str) -> list[ItemMatch]:
        hits: dict[str, tuple[Item, list[str]]] = {}
        consumed = body
        for term, item in self._terms:
            if term in consumed:
                hits.setdefault(item.code, (item, []))[1].append(term)
                # Longer terms win: "雨水井盖" must not also count as "井盖" for another item.
                consumed = consumed.replace(term, "\0" * len(term))
        matches = [
            ItemMatch(item=item, score=_score(terms, body), evidence=tuple(terms),
                      department=item.department)
            for item, terms in hits.values()
        ]
        return sorted(matches, key=lambda m: (-m.score, m.item.code))


def _index_terms(items: Iterable[Item]) -> list[tuple[str, Item]]:
    terms: dict[str, Item] = {}
    for item in items:
        for term in (item.name, *item.aliases):
            if len(term) >= MIN_TERM_LENGTH:
                terms.setdefault(normalise(term), item)
    return list(terms.items())


def _score(terms: list[str], body: str) -> float:
    covered = sum(len(t) for t in terms)
    return min(1.0, 0.5 + covered / max(4, len(body)))


def _distinct_problems(ranked: list[ItemMatch]) -> tuple[ItemMatch, ...]:
    """One match per department-distinct problem; the best first."""
    chosen: list[ItemMatch] = []
    for match in ranked:
        if all(match.item.category != c.item.category or match.department != c.department
               for c in chosen):
            chosen.append(match)
    return tuple(chosen[:3])
