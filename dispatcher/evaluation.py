"""Accuracy of a classifier on labelled messages (``gridbot eval``).

The dev set labels items by *name* (a city's list may use other codes) and departments by
contract §3 id, so item hits compare names (the item's name or one of its aliases).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dispatcher.classification import Classification, Classifier, Decision, Intent, ItemMatch

_INTENTS = {i.value for i in Intent}


class LabelledDataError(ValueError):
    """A labelled file that cannot be read; the message names the row and field."""


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    text: str
    intent: Intent
    departments: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


def read_labelled(lines: Iterable[str], *, source: str = "文件") -> list[LabelledMessage]:
    """Parse ``text,intent,departments,items[,note]`` CSV rows (header required)."""
    reader = csv.DictReader(lines)
    missing = {"text", "intent"} - set(reader.fieldnames or ())
    if missing:
        raise LabelledDataError(f"{source}：缺少列 {'、'.join(sorted(missing))}")
    rows: list[LabelledMessage] = []
    for number, row in enumerate(reader, start=2):
        intent = (row.get("intent") or "").strip()
        if intent not in _INTENTS:
            raise LabelledDataError(
                f"{source} 第 {number} 行 intent：「{intent}」应为 report/command/chatter"
            )
        depts = _split(row.get("departments"))
        items = _split(row.get("items"))
        if intent == Intent.REPORT and not depts:
            raise LabelledDataError(f"{source} 第 {number} 行 departments：报告必须标注部门")
        rows.append(
            LabelledMessage(
                text=row.get("text") or "", intent=Intent(intent), departments=depts, items=items
            )
        )
    return rows


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split("|") if p.strip())


@dataclass
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def ratio(self, hit: str, total: str) -> float:
        return round(self.counts[hit] / self.counts[total], 4) if self.counts[total] else 0.0


def evaluate(classifier: Classifier, rows: Sequence[LabelledMessage]) -> dict[str, object]:
    """Every metric of issue 4, as a JSON-ready dict."""
    tally = _Tally()
    for row in rows:
        _score_row(tally, row, classifier.classify(row.text))
    return {
        "messages": len(rows),
        "reports": tally.counts["reports"],
        "intent_accuracy": tally.ratio("intent_ok", "messages"),
        "department_top1": tally.ratio("dept_top1", "reports"),
        "department_top3": tally.ratio("dept_top3", "reports"),
        "item_top1": tally.ratio("item_top1", "reports"),
        "multi_problem_recall": tally.ratio("multi_found", "multi_problems"),
        # single-problem reports that would open more than one ticket
        "single_problem_split_rate": tally.ratio("split", "single_reports"),
        "triage_rate": tally.ratio("triage", "reports"),
        "dispatched_accuracy": tally.ratio("dispatched_ok", "dispatched"),
        "chatter_ticket_rate": tally.ratio("chatter_ticket", "chatter"),
        "confusion_pairs": [
            {"expected": e, "predicted": p, "count": n}
            for (e, p), n in tally.confusions.most_common(15)
        ],
    }


def _score_row(tally: _Tally, row: LabelledMessage, result: Classification) -> None:
    tally.counts["messages"] += 1
    tally.counts["intent_ok"] += result.intent is row.intent
    if row.intent is Intent.CHATTER:
        tally.counts["chatter"] += 1
        tally.counts["chatter_ticket"] += result.decision is not Decision.IGNORE
    if row.intent is not Intent.REPORT:
        return
    tally.counts["reports"] += 1
    # Department top-1 of a triaged report is its first candidate (a duty suggestion included).
    ranked = [*result.items, *result.candidates]
    depts = list(dict.fromkeys(m.department for m in ranked))
    top_ok = bool(depts) and depts[0] in row.departments
    tally.counts["dept_top1"] += top_ok
    tally.counts["dept_top3"] += any(d in row.departments for d in depts[:3])
    # A department suggested by its duties is no item: item top-1 is the best list item.
    items = [m for m in ranked if not m.duty]
    tally.counts["item_top1"] += bool(items) and _names_match(items[0], row.items)
    tally.counts["triage"] += result.decision is Decision.TRIAGE
    if result.decision is Decision.DISPATCH:
        tally.counts["dispatched"] += 1
        tally.counts["dispatched_ok"] += top_ok
    if not top_ok:
        tally.confusions[(row.departments[0], depts[0] if depts else "-")] += 1
    if len(row.departments) == 1:
        tally.counts["single_reports"] += 1
        tally.counts["split"] += len(result.items) > 1
    if len(row.departments) > 1:
        tally.counts["multi_problems"] += len(row.departments)
        tally.counts["multi_found"] += _problems_found(row, result.items)


def _names_match(match: ItemMatch, names: Sequence[str]) -> bool:
    own = {match.item.name, *match.item.aliases}
    return any(name in own for name in names)


def _problems_found(row: LabelledMessage, items: Sequence[ItemMatch]) -> int:
    """Labelled problems recovered: same item name, else an unused item of the same department."""
    left = list(items)
    found = 0
    for name, dept in zip(row.items or row.departments, row.departments, strict=False):
        hit = next((m for m in left if _names_match(m, [name])), None)
        hit = hit or next((m for m in left if m.department == dept), None)
        if hit is not None:
            left.remove(hit)
            found += 1
    return found
