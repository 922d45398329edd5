"""Department duties: matters a department owns that the item list has no item for.

The national 部件/事件 list is fixed, but departments own more (社区矫正, 药品, 网吧 …). When
no item fits a report, the department whose 职责 words the message uses is *suggested* to the
station head (triage); a duty never dispatches on its own, since there is no item to time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dispatcher.classification import ItemMatch
from dispatcher.classify.index import prepare
from dispatcher.lists import Item, ListKind, ResponsibilityList

DUTY_CATEGORY = "部门职责"
DUTY_SCORE = 0.3  # below the triage bar: a suggestion, not a decision
MAX_WEIGHT = 4  # as for list terms: a long phrase is sure, but no surer than four characters


@dataclass(frozen=True, slots=True)
class DutyHit:
    department: str
    words: tuple[str, ...]  # the duty words found, in the message's order
    strength: float


class DutyIndex:
    """Duty words of every department, matched longest first without overlaps."""

    def __init__(self, responsibility_list: ResponsibilityList) -> None:
        owner: dict[str, tuple[str, str]] = {}
        for dept in responsibility_list.departments.values():
            for duty in dept.duties:
                term = prepare(duty)
                if len(term) >= 2:
                    owner.setdefault(term, (dept.id, duty))
        self._owner = owner
        self._by_head: dict[str, list[str]] = defaultdict(list)
        for term in sorted(owner, key=len, reverse=True):
            self._by_head[term[:2]].append(term)

    def match(self, body: str) -> DutyHit | None:
        """The department whose duty words weigh most in a prepared text, if any."""
        if not self._owner:
            return None
        covered = [False] * len(body)
        found: dict[str, list[tuple[int, str]]] = defaultdict(list)
        weight: dict[str, float] = defaultdict(float)
        for start in range(len(body) - 1):
            for term in self._by_head.get(body[start : start + 2], ()):
                end = start + len(term)
                if body.startswith(term, start) and not any(covered[start:end]):
                    dept, word = self._owner[term]
                    found[dept].append((start, word))
                    weight[dept] += min(len(term), MAX_WEIGHT)
                    covered[start:end] = [True] * len(term)
                    break
        if not weight:
            return None
        best = max(weight, key=lambda d: (weight[d], -found[d][0][0]))
        words = tuple(dict.fromkeys(w for _, w in sorted(found[best])))
        return DutyHit(department=best, words=words, strength=weight[best])


def duty_match(hit: DutyHit) -> ItemMatch:
    """A candidate for the station head: the department and the duty words, no list item."""
    placeholder = Item(
        code="", list=ListKind.EVENT, category=DUTY_CATEGORY, category_code="",
        name=hit.words[0], department=hit.department, conditions=(),
    )
    return ItemMatch(
        item=placeholder, score=DUTY_SCORE, evidence=hit.words, department=hit.department,
        duty=True,
    )
