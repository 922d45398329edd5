"""Shape checks for the labelled classifier development set (tests/data/devset*.csv).

These guard the data, not the classifier: every row parses, labels use the contract's
vocabulary (§3 department ids, three intents), and the composition promised by issue 4
still holds after anyone edits the files.
"""

import csv
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = ("devset.csv", "devset_holdout.csv")
COLUMNS = ["text", "intent", "departments", "items", "note"]
INTENTS = {"report", "command", "chatter"}
# Contract §3: the 30 canonical department ids (none may be renamed).
DEPARTMENT_IDS = set(
    """
    zhifa zhujian shijian gongan jiaojing huanbao ziran jiaotong shuili yingji
    xiaofang nongye sifa shequ gongjiao gongdian shuiwu ranqi tongxin guangdian
    yuanlin ludeng weijian minzheng renshe jiaoyu wenlv wuye jiedao youzheng
    """.split()
)

Row = dict[str, str]


def _read(name: str) -> list[Row]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS, f"{name}: header {reader.fieldnames}"
        return list(reader)


@pytest.fixture(scope="module")
def by_file() -> dict[str, list[Row]]:
    return {name: _read(name) for name in FILES}


@pytest.fixture(scope="module")
def rows(by_file: dict[str, list[Row]]) -> list[Row]:
    return [row for name in FILES for row in by_file[name]]


def _reports(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row["intent"] == "report"]


def test_department_ids_match_contract() -> None:
    assert len(DEPARTMENT_IDS) == 30


def test_every_row_is_well_formed(rows: list[Row]) -> None:
    for n, row in enumerate(rows, 1):
        where = f"row {n} {row['text']!r}"
        assert row["text"].strip(), where
        assert row["intent"] in INTENTS, where
        if row["intent"] == "report":
            departments = row["departments"].split("|")
            items = row["items"].split("|")
            assert set(departments) <= DEPARTMENT_IDS, where
            assert len(departments) == len(items), where
            assert all(item.strip() for item in items), where
        else:
            assert row["departments"] == "", where
            assert row["items"] == "", where


def test_no_duplicate_texts_within_or_across_files(rows: list[Row]) -> None:
    repeated = [t for t, c in Counter(row["text"] for row in rows).items() if c > 1]
    assert repeated == []


def test_composition_minimums(rows: list[Row]) -> None:
    intents = Counter(row["intent"] for row in rows)
    reports = _reports(rows)
    items = {i for row in reports for i in row["items"].split("|")}
    departments = {d for row in reports for d in row["departments"].split("|")}
    multi = [row for row in reports if "|" in row["departments"]]
    assert len(rows) >= 420
    assert intents["report"] >= 300
    assert intents["chatter"] >= 60
    assert intents["command"] >= 50
    assert len(items) >= 80
    assert len(departments) >= 25
    assert len(multi) >= 40
    assert any(row["departments"].count("|") >= 2 for row in multi)


def test_holdout_is_about_a_quarter_of_each_intent(by_file: dict[str, list[Row]]) -> None:
    dev = Counter(row["intent"] for row in by_file["devset.csv"])
    held = Counter(row["intent"] for row in by_file["devset_holdout.csv"])
    for intent in INTENTS:
        share = held[intent] / (held[intent] + dev[intent])
        assert 0.2 <= share <= 0.3, (intent, share)


def test_each_item_name_has_a_listed_department(rows: list[Row]) -> None:
    listing = (DATA / "devset_items.md").read_text(encoding="utf-8")
    for row in _reports(rows):
        for item, department in zip(
            row["items"].split("|"), row["departments"].split("|"), strict=True
        ):
            assert f"| {item} | {department} |" in listing, (item, department)
