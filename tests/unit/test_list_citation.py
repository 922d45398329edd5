from __future__ import annotations

from dispatcher.citation import format_item_citation
from dispatcher.lists import CaseCondition, Item, ListKind, TimeLimit


def _item(kind: ListKind, limit: str) -> Item:
    condition = CaseCondition(filing="跨门占道经营", limit=TimeLimit.parse(limit), closing="取缔")
    return Item(
        code="020405",
        list=kind,
        category="街面秩序",
        category_code="04",
        name="店外经营",
        department="zhifa",
        conditions=(condition,),
    )


def test_citation_names_list_code_name_and_first_limit() -> None:
    assert format_item_citation(_item(ListKind.EVENT, "2紧急工作时")) == (
        "【事件 020405 店外经营 · 处置时限 2紧急工作时】"
    )


def test_citation_of_a_component() -> None:
    assert format_item_citation(_item(ListKind.COMPONENT, "1.5工作日")).startswith("【部件 020405")
    assert "1.5工作日" in format_item_citation(_item(ListKind.COMPONENT, "1.5工作日"))
