"""GridClassifier: the ``Classifier`` port over the loaded responsibility list."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from dispatcher.classification import Classification, Decision, Intent, ItemMatch
from dispatcher.classify.index import ListIndex, prepare
from dispatcher.classify.intent import chatter_cues, command_of, is_pure_chatter
from dispatcher.classify.learning import LearnedExample, LearnedIndex
from dispatcher.classify.ranking import Ranked, rank
from dispatcher.classify.rules import refine_item, route_department
from dispatcher.classify.text import clauses, correct, fold
from dispatcher.lists import ResponsibilityList

# Problem words: without a list match, a message with one of these is still a report
# (triaged), without any it is chatter.
_PROBLEM_RE = re.compile(r"乱|违|占|堵|坏|破|漏|没了|缺|倒|脏|臭|吵|噪|冒|积水|垃圾|摆摊|隐患|危险|"
                         r"不亮|塌|断|掉|歪|烧|偷|污|投诉|反映|举报")
REPORT_MIN = 0.9  # weakest evidence that still counts as a described problem
TRIAGE_BELOW = 0.45  # calibrated confidence under which the station head decides
EXTRA_MIN = 1.5  # a second problem needs a whole-term hit at least this strong
MAX_ITEMS = 3


class GridClassifier:
    """Intent, ranked items with departments, rules, confidence and triage."""

    def __init__(self, *, responsibility_list: ResponsibilityList,
                 learned: Sequence[LearnedExample] = (), max_candidates: int = 5) -> None:
        self._list = responsibility_list
        self._index = ListIndex(responsibility_list)
        self._learned = LearnedIndex(learned)
        self._max_candidates = max_candidates

    def classify(self, text: str) -> Classification:
        command = command_of(text)
        if command is not None:
            return Classification(text=text, intent=Intent.COMMAND, decision=Decision.IGNORE,
                                  command=command)
        folded = correct(fold(text))
        body = prepare(text)
        if is_pure_chatter(folded) or chatter_cues(folded):
            return _chatter(text)
        ranked = rank(self._index, body)
        if not ranked or ranked[0].raw < REPORT_MIN:
            if _PROBLEM_RE.search(body) and len(body) >= 6:
                return Classification(text=text, intent=Intent.REPORT, decision=Decision.TRIAGE,
                                      candidates=self._matches(ranked, folded, 0.2))
            return _chatter(text)
        confidence = calibrate(ranked)
        matches = self._matches(ranked, folded, confidence)
        precedent = self._learned.nearest(body)
        if precedent is not None:
            matches = [precedent.apply(matches[0]), *matches[1:]]
            confidence = max(confidence, precedent.similarity)
        if confidence < TRIAGE_BELOW:
            return Classification(text=text, intent=Intent.REPORT, decision=Decision.TRIAGE,
                                  candidates=tuple(matches))
        items = (matches[0], *self._extra_problems(folded, matches[0]))
        return Classification(text=text, intent=Intent.REPORT, decision=Decision.DISPATCH,
                              items=items, candidates=tuple(matches))

    def _matches(self, ranked: Sequence[Ranked], folded: str, top_score: float) -> list[ItemMatch]:
        out: list[ItemMatch] = []
        seen: set[str] = set()
        for position, r in enumerate(ranked):
            item, cue = refine_item(r.item, folded, self._list)
            if item.code in seen:
                continue
            seen.add(item.code)
            department, place_cue = route_department(item, folded)
            evidence = tuple(dict.fromkeys(e for e in (*r.evidence, cue, place_cue) if e))
            score = top_score if position == 0 else top_score * r.raw / max(ranked[0].raw, 1e-9)
            out.append(ItemMatch(item=item, score=round(score, 3), evidence=evidence,
                                 department=department))
            if len(out) >= self._max_candidates:
                break
        return out

    def _extra_problems(self, folded: str, first: ItemMatch) -> list[ItemMatch]:
        """A second or third problem: a clause whose own best item is a different problem."""
        extra: list[ItemMatch] = []
        chosen = [first]
        for clause in clauses(folded):
            ranked = [r for r in rank(self._index, prepare(clause), limit=2)
                      if r.term_hit and r.raw >= EXTRA_MIN]
            if not ranked:
                continue
            match = self._matches(ranked[:1], folded, calibrate(ranked))[0]
            if all(_distinct(match, c) for c in chosen):
                chosen.append(match)
                extra.append(match)
        return extra[: MAX_ITEMS - 1]


def _distinct(a: ItemMatch, b: ItemMatch) -> bool:
    if a.item.code == b.item.code:
        return False
    return not set(a.evidence) & set(b.evidence)


def calibrate(ranked: Sequence[Ranked]) -> float:
    """Confidence in 0..1 from evidence strength and the margin over the best *other* department.

    Strength saturates (two solid alias hits are as good as five); the margin matters only
    against items owned by another department, since a near-tie inside one department
    dispatches to the same liaison either way.
    """
    top = ranked[0]
    rival = next((r.raw for r in ranked[1:] if r.item.department != top.item.department), 0.0)
    strength = 1.0 - math.exp(-top.raw / 2.0)
    margin = (top.raw - rival) / top.raw if top.raw > 0 else 0.0
    return round(0.55 * strength + 0.45 * margin, 3)


def _chatter(text: str) -> Classification:
    return Classification(text=text, intent=Intent.CHATTER, decision=Decision.IGNORE)
