"""Domain list -> YAML-shaped documents, and writing a list directory (``lists import --out``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dispatcher.lists import Item, ListKind, ResponsibilityList
from models.lists.checks import DEPARTMENTS_FILE
from models.lists.loader import LIST_FILES

LIST_LABELS = {ListKind.COMPONENT: "部件", ListKind.EVENT: "事件"}


def departments_document(lst: ResponsibilityList) -> dict[str, Any]:
    return {
        "label": lst.label,
        "departments": [
            {"id": d.id, "name": d.name, "short_names": list(d.short_names),
             "duties": list(d.duties)}
            for d in lst.departments.values()
        ],
    }


def item_document(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "aliases": list(item.aliases),
        "department": item.department,
        "co_departments": list(item.co_departments),
        "supervisor": item.supervisor,
        "urgency": item.urgency.value,
        "conditions": [
            {"filing": c.filing, "limit": str(c.limit), "closing": c.closing}
            for c in item.conditions
        ],
        "source": item.source,
    }


def list_document(lst: ResponsibilityList, kind: ListKind) -> dict[str, Any]:
    categories: dict[str, dict[str, Any]] = {}
    for item in lst.items_of(kind):
        category = categories.setdefault(
            item.category_code, {"code": item.category_code, "name": item.category, "items": []}
        )
        category["items"].append(item_document(item))
    return {"list": kind.value, "categories": list(categories.values())}


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=ListDumper, allow_unicode=True, sort_keys=False, width=110)


def write_yaml_dir(lst: ResponsibilityList, directory: Path) -> list[Path]:
    """Write the three YAML files; the directory then loads with load_responsibility_list."""
    directory.mkdir(parents=True, exist_ok=True)
    header = f"# {lst.label}\n"
    written = []
    path = directory / DEPARTMENTS_FILE
    path.write_text(header + dump_yaml(departments_document(lst)), encoding="utf-8")
    written.append(path)
    for kind, name in LIST_FILES.items():
        path = directory / name
        body = dump_yaml(list_document(lst, kind))
        path.write_text(f"# {lst.label} — {LIST_LABELS[kind]}\n" + body, encoding="utf-8")
        written.append(path)
    return written


class ListDumper(yaml.SafeDumper):
    """Lists of plain words (aliases, co_departments) in flow style, everything else block."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


ListDumper.add_representer(list, _represent_list)
