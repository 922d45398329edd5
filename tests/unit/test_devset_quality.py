"""Regression guard: the classifier's accuracy on the labelled development set.

The issue's quality bar is asserted in ``test_quality_bar`` (strict xfail until reached, so the
day it passes the marker must come off); ``test_no_regression`` pins what is reached today.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from dispatcher.classify.classifier import GridClassifier
from dispatcher.evaluation import evaluate, read_labelled
from models.lists import load_responsibility_list

ROOT = Path(__file__).resolve().parents[2]


@cache
def devset_report() -> dict[str, object]:
    lst = load_responsibility_list(ROOT / "responsibility_lists" / "default")
    with (ROOT / "tests" / "data" / "devset.csv").open(encoding="utf-8", newline="") as handle:
        rows = read_labelled(handle, source="devset.csv")
    return evaluate(GridClassifier(responsibility_list=lst), rows)


def metric(name: str) -> float:
    value = devset_report()[name]
    assert isinstance(value, float)
    return value


def test_no_regression() -> None:
    assert metric("intent_accuracy") >= 0.98
    assert metric("department_top1") >= 0.87
    assert metric("department_top3") >= 0.88
    assert metric("chatter_ticket_rate") <= 0.01
    assert metric("triage_rate") <= 0.08


@pytest.mark.xfail(
    strict=True, reason="issue 4 bar not reached yet: department top-1 is below 0.95"
)
def test_quality_bar() -> None:
    assert metric("intent_accuracy") >= 0.97
    assert metric("department_top1") >= 0.95
    assert metric("chatter_ticket_rate") <= 0.01
    assert metric("triage_rate") <= 0.08


def test_eval_counts_are_consistent() -> None:
    report = devset_report()
    assert report["messages"] == 397 and report["reports"] == 298
    assert metric("department_top3") >= metric("department_top1")
