"""GridClassifier: the ``Classifier`` port over the loaded responsibility list."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dispatcher.classification import Classification, Decision, Intent, ItemMatch
from dispatcher.classify.duties import DutyHit, DutyIndex, duty_match
from dispatcher.classify.index import ListIndex, prepare
from dispatcher.classify.intent import command_of, is_pure_chatter
from dispatcher.classify.learning import LearnedExample, LearnedIndex
from dispatcher.classify.ranking import Ranked, rank
from dispatcher.classify.rules import refine_item, route_department
from dispatcher.classify.signals import PLACE_RE, Signal, problem_word, talk_only
from dispatcher.classify.text import bigrams, clauses, compact, correct, fold
from dispatcher.classify.vocab import expand
from dispatcher.lists import ListKind, ResponsibilityList

REPORT_MIN = 0.5  # weakest evidence that still counts as a described problem
TRIAGE_BELOW = 0.4  # calibrated confidence under which the station head decides
EXTRA_MIN = 1.3  # a clause must be at least this sure to count as a problem of its own
EXTRA_STATED = 0.9  # ... or this sure when it also says what is wrong with the thing
MAX_ITEMS = 3
NAMED_DEPARTMENT_BOOST = 0.8
DUTY_OUTWEIGHS = 2.0  # duty words beat an item found by a cue alone when this much stronger
DUTY_BEATS_NAME = 1.0  # ... and an item found by its names when stronger than those names


@dataclass(frozen=True, slots=True)
class _Reading:
    """One message prepared for ranking."""

    folded: str  # for place rules and cue words
    body: str  # compact text plus standard words for colloquial ones
    cues: Mapping[str, str]  # standard word → the colloquial word that brought it
    local: str = ""  # the clause an extra problem was read from: its owner cues ("燃气井盖")


class GridClassifier:
    """Intent, ranked items with departments, rules, confidence and triage."""

    def __init__(
        self,
        *,
        responsibility_list: ResponsibilityList,
        learned: Sequence[LearnedExample] = (),
        max_candidates: int = 5,
    ) -> None:
        self._list = responsibility_list
        self._index = ListIndex(responsibility_list)
        self._duties = DutyIndex(responsibility_list)
        self._learned = LearnedIndex(learned)
        self._max_candidates = max_candidates

    def classify(self, text: str) -> Classification:
        command = command_of(text)
        if command is not None:
            return Classification(
                text=text, intent=Intent.COMMAND, decision=Decision.IGNORE, command=command
            )
        folded = correct(fold(text))
        # A report needs a problem signal; talk about work stays quiet (signals.py).
        if is_pure_chatter(folded) or talk_only(folded, self._signal):
            return _chatter(text)
        reading = _read(folded)
        duty: DutyHit | None = None  # looked up only when needed: most reports name an item
        if not (reading.cues or PLACE_RE.search(folded) or self._index.first_term(reading.body)):
            duty = self._duties.match(reading.body)
            if duty is None:
                return _chatter(text)  # a problem word, but no place and no object it is about
        ranked = rank(self._index, reading.body, boost=self._named_departments(text))
        weak = not ranked or ranked[0].raw < REPORT_MIN
        confidence = 0.1 if weak else calibrate(ranked)
        matches = self._matches(ranked, reading, confidence)
        precedent = self._learned.nearest(prepare(text))
        if precedent is not None:
            followed = precedent.apply(matches[0] if matches else None, self._list)
            if followed is None:
                precedent = None  # not followed: duty words may still decide
            else:
                # A ruling on this wording beats a guess from duty words.
                matches = [followed, *(m for m in matches if m.item.code != followed.item.code)]
                confidence, weak = max(confidence, precedent.similarity), False
        if precedent is None and (weak or not ranked[0].term_hit):
            # Perhaps no item for this matter: suggest the department owning it; the head decides.
            duty = duty or self._duties.match(reading.body)
            if duty is not None and _no_item_fits(ranked, matches, weak, confidence, duty):
                return _triage(text, [duty_match(duty), *matches][: self._max_candidates])
        elif precedent is None:
            # An item name was found, but the problem may be another department's matter
            # (菜场门口的农资店卖剧毒农药): duty words stronger than the names found compete.
            # The message's own words only: a cue's standard word ("撬" → 可疑人员) is a guess.
            duty = self._duties.match(_without(compact(reading.folded), ranked[0].evidence))
            if duty is not None and duty.strength > DUTY_BEATS_NAME * ranked[0].term:
                owned = [m for m in matches if m.department == duty.department]
                if not owned:
                    return _triage(text, [duty_match(duty), *matches][: self._max_candidates])
                matches = [*owned, *(m for m in matches if m not in owned)]
        if weak or confidence < TRIAGE_BELOW:
            return _triage(text, matches)
        items = self._problems(reading, matches[0])
        return Classification(text=text, intent=Intent.REPORT, decision=Decision.DISPATCH,
                              items=items, candidates=tuple(matches))

    def _signal(self, piece: str) -> str | None:
        """A problem in a piece of text: a problem word, a list term or a colloquial cue."""
        word = problem_word(piece)
        if word:
            return word
        body, cues = expand(prepare(piece))
        return next(iter(cues.values()), None) or self._index.first_term(body, kind=ListKind.EVENT)

    def _named_departments(self, text: str) -> dict[str, float]:
        """A department the reporter names (``@交警``) tips the balance between close items."""
        raw = unicodedata.normalize("NFKC", text).lower()
        return {
            self._index.department_of_name[m.group(1) or m.group(2)]: NAMED_DEPARTMENT_BOOST
            for m in self._index.department_re.finditer(raw)
        }

    def _matches(
        self, ranked: Sequence[Ranked], reading: _Reading, top_score: float
    ) -> list[ItemMatch]:
        out: list[ItemMatch] = []
        seen: set[str] = set()
        for r in ranked:
            item, cue = refine_item(r.item, reading.local or reading.folded, self._list)
            if item.code in seen:
                continue
            seen.add(item.code)
            department, place_cue = route_department(item, reading.folded)
            words = _evidence(self._index, r, reading)
            evidence = tuple(dict.fromkeys(e for e in (*words, cue, place_cue) if e))
            score = top_score * r.raw / max(ranked[0].raw, 1e-9)
            out.append(
                ItemMatch(
                    item=item, score=round(score, 3), evidence=evidence, department=department
                )
            )
            if len(out) >= self._max_candidates:
                break
        return out

    def _problems(self, reading: _Reading, first: ItemMatch) -> tuple[ItemMatch, ...]:
        """One item per problem: the surest first, then the others in the message's order.

        Each clause is ranked on its own; a clause whose best item is a different problem
        (different item, no shared evidence) is a problem of its own.
        """
        found: list[ItemMatch] = []
        for clause in clauses(reading.folded):
            # Rank the clause alone and read its owner cues in it, but place cues (小区, 国道)
            # in the whole message.
            alone = _read(clause)
            part = _Reading(folded=reading.folded, body=alone.body, cues=alone.cues, local=clause)
            ranked = rank(self._index, part.body, limit=2)
            if not ranked or not _own_problem(clause, ranked[0].raw, self._signal):
                continue
            match = self._matches(ranked[:1], part, calibrate(ranked))[0]
            # An item the clause shares only loose character pairs with is not its problem.
            if all(_distinct(match, c) for c in found):
                found.append(match)
        # The surest problem leads; the others follow in the order the message tells them.
        extras = [m for m in found if _distinct(m, first)]
        return (first, *extras)[:MAX_ITEMS]


def _no_item_fits(
    ranked: Sequence[Ranked], matches: Sequence[ItemMatch], weak: bool, confidence: float,
    duty: DutyHit,
) -> bool:
    """No list item fits when the best one is weak, or was found without any of its names:
    through loose character pairs only, or through a colloquial cue that is unsure or far
    outweighed by the duty words ("鬼鬼祟祟地试车门" is 公安's, not 流浪乞讨). A cue sure enough
    to dispatch stands (KTV 的排风机声音很大 is 设备噪声, not a matter for 文旅)."""
    if weak:
        return True
    if confidence < TRIAGE_BELOW or not matches or not matches[0].evidence:
        return True
    return duty.strength > DUTY_OUTWEIGHS * ranked[0].raw


def _without(body: str, terms: Sequence[str]) -> str:
    """The text with the item names found blanked out: a duty word inside a found name
    ("娱乐场所" in "娱乐场所噪声") is part of that name, not a matter of its own."""
    for term in terms:
        body = body.replace(term, "\x00" * len(term))
    return body


def _own_problem(clause: str, raw: float, signal: Signal) -> bool:
    """A clause tells a problem of its own when it names one surely ("跨门营业"), or names a
    thing and says what is wrong with it ("旁边的护栏也倒了"); a bare thing ("离加油站很近")
    is not one."""
    if problem_word(clause) is not None:
        return raw >= EXTRA_STATED
    return raw >= EXTRA_MIN and signal(clause) is not None


def _read(folded: str) -> _Reading:
    body, cues = expand(prepare(folded))
    return _Reading(folded=folded, body=body, cues=cues)


def _evidence(index: ListIndex, ranked: Ranked, reading: _Reading) -> list[str]:
    """The message's own words: colloquial words stand in for the standard words they brought."""
    words: list[str] = []
    for term in ranked.evidence:
        source = next((c for s, c in reading.cues.items() if term in s or s in term), None)
        words.append(source or term)
    if not words:
        names = index.name_bigrams[ranked.item.code]
        words = [c for s, c in reading.cues.items() if bigrams(s) & names]
    return words


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


def _triage(text: str, candidates: Sequence[ItemMatch]) -> Classification:
    return Classification(
        text=text, intent=Intent.REPORT, decision=Decision.TRIAGE, candidates=tuple(candidates)
    )


def _chatter(text: str) -> Classification:
    return Classification(text=text, intent=Intent.CHATTER, decision=Decision.IGNORE)
