"""Import a city's list from XLSX or CSV (the 9-column 立结案标准 template or our export).

Rows continuing the previous 小类 (blank or merged 小类 cells) add more 立案条件. Free-text
处置单位 of the template is mapped onto registered departments (see unit_mapping); when no
fragment of a cell can be mapped the item goes to ``jiedao`` (属地兜底, contract §3) and the
report lists the unmapped wording, which is also kept in the item's ``source``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dispatcher.lists import Department, ListKind, ResponsibilityList, TimeLimitError
from models.lists import texts
from models.lists.errors import ListError, ListValidationError
from models.lists.limit_text import normalize_limit
from models.lists.loader import build_list, load_responsibility_list
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
    LIST_COLUMN,
    LIST_NAMES,
    SEPARATOR,
    SOURCE,
    SUPERVISOR,
    UNIT,
    URGENCY,
    URGENCY_LABELS,
    item_code,
    kind_of_sheet,
)
from models.lists.table_read import Sheet, Table, locate_header, missing_columns, read_sheets
from models.lists.table_registry import read_label, read_registry, registry_document
from models.lists.unit_mapping import UnitMapper

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"
FALLBACK_DEPARTMENT = "jiedao"


@dataclass
class ImportReport:
    unmapped: list[tuple[str, int, str, str]] = field(default_factory=list)  # sheet,row,col,text
    fallback_items: list[str] = field(default_factory=list)
    normalized_limits: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    list: ResponsibilityList
    report: ImportReport


def import_table(path: Path) -> ResponsibilityList:
    return import_table_with_report(path).list


def import_table_with_report(
    path: Path, *, departments: Mapping[str, Department] | None = None, label: str | None = None
) -> ImportResult:
    """Read every 部件/事件 sheet of ``path``; raise ListValidationError listing every bad row."""
    sheets = read_sheets(path)
    errors: list[ListError] = []
    registry = read_registry(sheets, file=path.name, errors=errors) or departments
    if registry is None:
        registry = load_responsibility_list(DEFAULT_DIR).departments
    report = ImportReport()
    docs: dict[ListKind, dict[str, Any]] = {}
    for sheet, kind, table in _list_tables(path, sheets, errors):
        parser = _SheetParser(path.name, table, kind, UnitMapper(registry), report, errors)
        parser.run()
        docs.setdefault(kind, {"list": kind.value, "categories": []})["categories"] += parser.categories
    if not docs and not errors:
        errors.append(ListError(path.name, "", texts.TABLE_NO_ROWS))
    if errors:
        raise ListValidationError(errors)
    final_label = label or read_label(sheets) or f"导入自 {path.name}"
    for kind in ListKind:  # a file with only one of the lists is still a usable import
        docs.setdefault(kind, {"list": kind.value, "categories": []})
    lst = build_list(
        departments=registry_document(final_label, registry),
        lists=docs,
        files={kind: f"{path.name}「{LIST_NAMES[kind]}」" for kind in ListKind},
    )
    return ImportResult(lst, report)


def _list_tables(
    path: Path, sheets: list[Sheet], errors: list[ListError]
) -> list[tuple[Sheet, ListKind, Table]]:
    found = []
    for sheet in sheets:
        kind = kind_of_sheet(sheet.title) or (kind_of_sheet(path.stem) if len(sheets) == 1 else None)
        table = locate_header(sheet)
        if table is None:
            if kind is not None:
                columns = "、".join((ITEM_NAME, FILING))
                errors.append(ListError(f"{path.name}「{sheet.title}」", "",
                                        texts.TABLE_NO_HEADER.format(columns=columns)))
            continue
        where = f"{path.name}「{sheet.title}」"
        missing = missing_columns(table)
        for column in missing:
            errors.append(ListError(where, "表头", texts.TABLE_MISSING_COLUMN.format(column=column)))
        if missing:
            continue
        if kind is not None:
            found.append((sheet, kind, table))
        elif LIST_COLUMN in table.columns:
            found += [(sheet, k, sub) for k, sub in _split_by_list_column(table, where, errors)]
        else:
            errors.append(ListError(where, "表头", texts.TABLE_MISSING_COLUMN.format(column=LIST_COLUMN)))
    return found


def _split_by_list_column(
    table: Table, where: str, errors: list[ListError]
) -> list[tuple[ListKind, Table]]:
    """A single CSV holding both lists: rows go by their 清单 cell; blank continues the last."""
    names = {name: kind for kind, name in LIST_NAMES.items()}
    names.update({kind.value: kind for kind in ListKind})
    rows: dict[ListKind, list[tuple[int, list[str]]]] = {kind: [] for kind in ListKind}
    current: ListKind | None = None
    for number, row in table.rows:
        value = table.cell(row, LIST_COLUMN)
        if value:
            current = names.get(value)
            if current is None:
                errors.append(ListError(where, f"第 {number} 行「{LIST_COLUMN}」", texts.TABLE_BAD_LIST))
        if current is not None:
            rows[current].append((number, row))
    return [(kind, Table(table.title, table.columns, found)) for kind, found in rows.items() if found]


class _SheetParser:
    def __init__(self, file: str, table: Table, kind: ListKind, mapper: UnitMapper,
                 report: ImportReport, errors: list[ListError]) -> None:
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
            get = lambda column, r=row: self.table.cell(r, column)  # noqa: E731
            self._maybe_new_category(number, get(CATEGORY_CODE), get(CATEGORY_NAME))
            code, name = get(ITEM_CODE), get(ITEM_NAME)
            if (code or name) and (self._item is None or (code, name) != self._item["_key"]):
                self._new_item(number, row)
            elif self._item is None:
                self._error(number, ITEM_NAME, texts.TABLE_CONTINUATION_WITHOUT_ITEM)
                continue
            self._add_condition(number, get(FILING), get(LIMIT), get(CLOSING))
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
        get = lambda column: self.table.cell(row, column)  # noqa: E731
        if self._category is None:
            self._error(number, CATEGORY_CODE, texts.EMPTY_TEXT)
            self._category = {"code": "00", "name": "未分类", "items": []}
            self.categories.append(self._category)
        raw_code, name = get(ITEM_CODE), get(ITEM_NAME)
        for column, value in ((ITEM_CODE, raw_code), (ITEM_NAME, name)):
            if not value:
                self._error(number, column, texts.EMPTY_TEXT)
        code = item_code(self.kind, self._category["code"], raw_code)
        first = self._codes.setdefault(code, number)
        if first != number:
            self._error(number, ITEM_CODE, texts.DUPLICATE_ITEM_CODE.format(code=code, first=f"第 {first} 行"))
        item: dict[str, Any] = {"_key": (raw_code, name), "_row": number, "code": code, "name": name,
                                "conditions": []}
        item.update(self._departments(number, get(UNIT), get(SUPERVISOR), get(CO_DEPARTMENTS)))
        item["aliases"] = [a.strip() for a in get(ALIASES).split(SEPARATOR) if a.strip()]
        item["_urgency"] = get(URGENCY)
        item["source"] = get(SOURCE) if SOURCE in self.table.columns else self._source(number, row)
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
        return {"department": main, "co_departments": units.ids[1:],
                "supervisor": sups.ids[0] if sups.ids else None, "_fallback": not units.ids}

    def _exact_departments(self, number: int, unit: str, supervisor: str, co: str) -> dict[str, Any]:
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
        del item["_key"], item["_row"]
