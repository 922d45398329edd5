"""Regenerate responsibility_lists/default/{components,events}.yaml from the compact tables.

Run: PYTHONPATH=. python -m tools.default_list.build   (then `gridbot lists validate`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.lists.documents import dump_yaml
from tools.default_list.common import Cat, I
from tools.default_list.components import COMPONENT_CATEGORIES
from tools.default_list.events import EVENT_CATEGORIES

OUT = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"
PREFIX = {"component": "01", "event": "02"}
HEADER = (
    "# 示例默认清单（非余姚官方清单）— {kind}。由 tools/default_list 生成，可直接编辑。\n"
    "# 代码 = 清单前缀(01 部件 / 02 事件) + 大类 2 位 + 小类 2 位；字段说明见 ../README.md。\n"
)


def _item(kind: str, cat: Cat, it: I) -> dict[str, Any]:
    main, *co = it.depts.split()
    conditions = []
    for text in it.conds:
        filing, limit, closing = text.split("|")
        conditions.append({"filing": filing, "limit": limit, "closing": closing})
    return {
        "code": PREFIX[kind] + cat.code + it.code,
        "name": it.name,
        "aliases": it.aliases.split(),
        "department": main,
        "co_departments": co,
        "supervisor": it.sup,
        "urgency": "urgent" if it.urgency == "u" else "normal",
        "conditions": conditions,
        "source": it.source,
    }


def document(kind: str, categories: list[Cat]) -> dict[str, Any]:
    return {
        "list": kind,
        "categories": [
            {
                "code": cat.code,
                "name": cat.name,
                "items": [_item(kind, cat, it) for it in cat.items],
            }
            for cat in categories
        ],
    }


def main() -> None:
    for kind, name, cats, label in (
        ("component", "components.yaml", COMPONENT_CATEGORIES, "部件"),
        ("event", "events.yaml", EVENT_CATEGORIES, "事件"),
    ):
        text = dump_yaml(document(kind, cats))
        (OUT / name).write_text(HEADER.format(kind=label) + text, encoding="utf-8")


if __name__ == "__main__":
    main()
