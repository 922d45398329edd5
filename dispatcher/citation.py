"""How an item is cited in dispatch messages: code, name and 处置时限 in one bracket."""

from __future__ import annotations

from dispatcher.lists import Item, ListKind

LIST_LABELS = {ListKind.COMPONENT: "部件", ListKind.EVENT: "事件"}


def format_item_citation(item: Item) -> str:
    """``【事件 020405 店外经营 · 处置时限 2紧急工作时】``."""
    return f"【{LIST_LABELS[item.list]} {item.code} {item.name} · 处置时限 {item.default_limit}】"


def cite_in_dispatch(item: Item) -> str:
    """The 事项 line of a dispatch message: ``事件 020405 店外经营（街面秩序，处置时限 2紧急工作时）``."""
    return (f"{LIST_LABELS[item.list]} {item.code} {item.name}"
            f"（{item.category}，处置时限 {item.default_limit}）")
