"""Parse one 部件/事件 sheet into YAML-shaped category dicts, row by row.

A row whose 小类代码/小类名称 are blank (or repeat the current 小类, as merged cells do) adds
another 立案条件 to the current 小类. Template 处置单位 text is mapped with UnitMapper; an item
none of whose units map goes to ``jiedao`` (属地兜底) and is listed in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dispatcher.lists import ListKind, TimeLimitError
from models.lists import texts
from models.lists.errors import ListError
from models.lists.limit_text import normalize_limit
from models.lists.table_format import (
    ALIASES,
    CATEGORY_CODE,
    CATEGORY_NAME,
    CLOSING,
    CO_DEPARTMENTS,
    FILING,
    ITEM_CODE,
    ITEM_NAME,
    LIMIT,
    SEPARATOR,
    SOURCE,
    SUPERVISOR,
    UNIT,
    URGENCY,
    URGENCY_LABELS,
    item_code,
)
from models.lists.table_read import Table
from models.lists.unit_mapping import UnitMapper

FALLBACK_DEPARTMENT = "jiedao"


@dataclass
class ImportReport:
    unmapped: list[tuple[str, int, str, str]] = field(default_factory=list)  # sheet,row,col,text
    fallback_items: list[str] = field(default_factory=list)
    normalized_limits: dict[tuple[str, str], int] = field(default_factory=dict)


class SheetParser:
    def __init__(
        self,
        file: str,
        table: Table,
        kind: ListKind,
        mapper: UnitMapper,
        report: ImportReport,
        errors: list[ListError],
    ) -> None:
        self.where = f"{file}「{table.title}」"
        self.file, self.table, self.kind, self.mapper = file, table, kind, mapper
        self.report, self.errors = report, errors
        self.extended = CO_DEPARTMENTS in table.columns
        self.categories: list[dict[str, Any]] = []
        self._category: dict[str, Any] | None = None
        self._item: dict[str, Any] | None = None
        self._codes: dict[str, int] = {}

    def _error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(ListError(self.where, f"第 {row} 行「{column}」", reason))

    def run(self) -> None:
        for number, row in self.table.rows:
            if not any(row):
                continue
            self._maybe_new_category(
                number, self.table.cell(row, CATEGORY_CODE), self.table.cell(row, CATEGORY_NAME)
            )
            code, name = self.table.cell(row, ITEM_CODE), self.table.cell(row, ITEM_NAME)
            if (code or name) and (self._item is None or (code, name) != self._item["_key"]):
                self._new_item(number, row)
            elif self._item is None:
                self._error(number, ITEM_NAME, texts.TABLE_CONTINUATION_WITHOUT_ITEM)
                continue
            self._add_condition(
                number,
                self.table.cell(row, FILING),
                self.table.cell(row, LIMIT),
                self.table.cell(row, CLOSING),
            )
        for category in self.categories:
            for item in category["items"]:
                self._finish_item(item)

    def _maybe_new_category(self, number: int, code: str, name: str) -> None:
        current = self._category
        if not code and not name:
            return
        if current is not None and code in ("", current["code"]) and name in ("", current["name"]):
            return
        if not code or not name:
            self._error(number, CATEGORY_CODE if not code else CATEGORY_NAME, texts.EMPTY_TEXT)
        code = code.zfill(2) if code.isdigit() else code
        existing = next((c for c in self.categories if c["code"] == code), None)
        if existing is None:
            existing = {"code": code, "name": name, "items": []}
            self.categories.append(existing)
        self._category = existing

    def _new_item(self, number: int, row: list[str]) -> None:
        if self._category is None:
            self._error(number, CATEGORY_CODE, texts.EMPTY_TEXT)
            self._category = {"code": "00", "name": "未分类", "items": []}
            self.categories.append(self._category)
        raw_code, name = self.table.cell(row, ITEM_CODE), self.table.cell(row, ITEM_NAME)
        for column, value in ((ITEM_CODE, raw_code), (ITEM_NAME, name)):
            if not value:
                self._error(number, column, texts.EMPTY_TEXT)
        code = item_code(self.kind, self._category["code"], raw_code)
        first = self._codes.setdefault(code, number)
        if first != number:
            self._error(
                number,
                ITEM_CODE,
                texts.DUPLICATE_ITEM_CODE.format(code=code, first=f"第 {first} 行"),
            )
        item: dict[str, Any] = {
            "_key": (raw_code, name),
            "_row": number,
            "code": code,
            "name": name,
            "conditions": [],
            "_raw": [],
        }
        item.update(
            self._departments(
                number,
                self.table.cell(row, UNIT),
                self.table.cell(row, SUPERVISOR),
                self.table.cell(row, CO_DEPARTMENTS),
            )
        )
        item["aliases"] = [
            a.strip() for a in self.table.cell(row, ALIASES).split(SEPARATOR) if a.strip()
        ]
        item["_urgency"] = self.table.cell(row, URGENCY)
        item["source"] = (
            self.table.cell(row, SOURCE)
            if SOURCE in self.table.columns
            else self._source(number, row)
        )
        self._category["items"].append(item)
        self._item = item

    def _source(self, number: int, row: list[str]) -> str:
        unit, sup = self.table.cell(row, UNIT), self.table.cell(row, SUPERVISOR)
        return f"{self.where}第 {number} 行；处置单位原文：{unit}；主管部门原文：{sup}"

    def _departments(self, number: int, unit: str, supervisor: str, co: str) -> dict[str, Any]:
        if self.extended:
            return self._exact_departments(number, unit, supervisor, co)
        units = self.mapper.match(unit)
        sups = self.mapper.match(supervisor)
        for column, match in ((UNIT, units), (SUPERVISOR, sups)):
            self.report.unmapped += [(self.table.title, number, column, t) for t in match.unmapped]
        main = units.ids[0] if units.ids else FALLBACK_DEPARTMENT
        return {
            "department": main,
            "co_departments": units.ids[1:],
            "supervisor": sups.ids[0] if sups.ids else None,
            "_fallback": not units.ids,
        }

    def _exact_departments(
        self, number: int, unit: str, supervisor: str, co: str
    ) -> dict[str, Any]:
        def resolve(column: str, name: str) -> str:
            found = self.mapper.exact(name)
            if found is None:
                self._error(number, column, texts.UNKNOWN_DEPARTMENT.format(dept=name))
            return found or name

        names = [n.strip() for n in co.split(SEPARATOR) if n.strip()]
        return {
            "department": resolve(UNIT, unit) if unit else self._missing(number, UNIT),
            "co_departments": [resolve(CO_DEPARTMENTS, n) for n in names],
            "supervisor": resolve(SUPERVISOR, supervisor) if supervisor else None,
            "_fallback": False,
        }

    def _missing(self, number: int, column: str) -> str:
        self._error(number, column, texts.EMPTY_TEXT)
        return ""

    def _add_condition(self, number: int, filing: str, limit: str, closing: str) -> None:
        assert self._item is not None
        previous = self._item["_raw"][-1] if self._item["_raw"] else None
        if previous == (filing, limit, closing) and filing:
            return  # one condition drawn over several rows as a merged block: keep it once
        self._item["_raw"].append((filing, limit, closing))
        for column, value in ((FILING, filing), (LIMIT, limit), (CLOSING, closing)):
            if not value:
                self._error(number, column, texts.EMPTY_TEXT)
        try:
            normalized = normalize_limit(limit) if limit else ""
        except TimeLimitError as exc:
            self._error(number, LIMIT, str(exc))
            normalized = limit
        if normalized and normalized != limit:
            key = (limit, normalized)
            self.report.normalized_limits[key] = self.report.normalized_limits.get(key, 0) + 1
        self._item["conditions"].append({"filing": filing, "limit": normalized, "closing": closing})

    def _finish_item(self, item: dict[str, Any]) -> None:
        if item.pop("_fallback"):
            self.report.fallback_items.append(item["code"])
        urgency = item.pop("_urgency")
        labels = {label: u.value for u, label in URGENCY_LABELS.items()}
        labels.update({u.value: u.value for u in URGENCY_LABELS})
        if urgency:
            item["urgency"] = labels.get(urgency, "normal")
            if urgency not in labels:
                choices = "、".join(URGENCY_LABELS.values())
                self._error(item["_row"], URGENCY, texts.BAD_CHOICE.format(choices=choices))
        else:
            urgent = any(c["limit"].endswith("紧急工作时") for c in item["conditions"])
            item["urgency"] = "urgent" if urgent else "normal"
        del item["_key"], item["_row"], item["_raw"]
