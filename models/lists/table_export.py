"""Export a list to an XLSX a city office edits in WPS/Excel and imports back unchanged.

Sheets: 说明 (label, how to edit), 部件, 事件 (the 9 template columns + 协办部门, 紧急程度, 别名,
来源; one row per 立案条件, item columns only on an item's first row), 部门 (the registry).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from dispatcher.lists import Item, ListKind, ResponsibilityList
from models.lists.table_format import (
    DEPARTMENTS_SHEET,
    DEPT_DUTIES,
    DEPT_ID,
    DEPT_NAME,
    DEPT_SHORT,
    EXPORT_COLUMNS,
    INFO_SHEET,
    LABEL_KEY,
    LIST_NAMES,
    SEPARATOR,
    URGENCY_LABELS,
)

_WIDTHS = (8, 12, 10, 18, 18, 18, 44, 20, 12, 20, 8, 30, 36)
_HELP = (
    "每个小类可有多行：后续行只填 立案条件/结案条件/处置时限，即为同一小类的更多立案条件。",
    "处置单位/主管部门/协办部门 填「部门」表中的名称、简称或 id；协办多个用「、」分隔。",
    "处置时限 = 数字 + 单位：紧急工作时、小时、分钟（连续计时）、工作时、工作日、自然日。",
    "紧急程度 填 紧急 或 一般；别名用「、」分隔。改完后用 gridbot lists import 导入。",
    "「部门」表的 职责 列：部门负责、清单里没有小类的事（如 社区矫正、药品），用「、」分隔；"
    "一个职责词只能属于一个部门。",
)


def export_xlsx(lst: ResponsibilityList, path: Path) -> Path:
    workbook = Workbook()
    info = workbook.active
    assert info is not None
    info.title = INFO_SHEET
    info.append([LABEL_KEY, lst.label])
    for line in _HELP:
        info.append(["填写说明", line])
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 90
    for kind in ListKind:
        _write_list(workbook.create_sheet(LIST_NAMES[kind]), lst, kind)
    registry = workbook.create_sheet(DEPARTMENTS_SHEET)
    registry.append([DEPT_ID, DEPT_NAME, DEPT_SHORT, DEPT_DUTIES])
    for dept in lst.departments.values():
        registry.append([dept.id, dept.name, SEPARATOR.join(dept.short_names),
                         SEPARATOR.join(dept.duties)])
    _style_header(registry, (12, 24, 60, 80))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _write_list(ws: Worksheet, lst: ResponsibilityList, kind: ListKind) -> None:
    ws.append(list(EXPORT_COLUMNS))
    last_category = None
    for item in lst.items_of(kind):
        first = True
        for condition in item.conditions:
            category = (
                [item.category_code, item.category]
                if item.category_code != last_category
                else ["", ""]
            )
            last_category = item.category_code
            head = _item_cells(lst, item) if first else ["", ""]
            tail = _extra_cells(lst, item) if first else ["", "", "", ""]
            code_name = [item.code, item.name] if first else ["", ""]
            ws.append(
                [
                    *category,
                    *code_name,
                    *head,
                    condition.filing,
                    condition.closing,
                    str(condition.limit),
                    *tail,
                ]
            )
            first = False
    _style_header(ws, _WIDTHS)


def _name(lst: ResponsibilityList, dept_id: str | None) -> str:
    if dept_id is None:
        return ""
    dept = lst.departments.get(dept_id)
    return dept.name if dept else dept_id


def _item_cells(lst: ResponsibilityList, item: Item) -> list[str]:
    return [_name(lst, item.department), _name(lst, item.supervisor)]


def _extra_cells(lst: ResponsibilityList, item: Item) -> list[str]:
    return [
        SEPARATOR.join(_name(lst, d) for d in item.co_departments),
        URGENCY_LABELS[item.urgency],
        SEPARATOR.join(item.aliases),
        item.source,
    ]


def _style_header(ws: Worksheet, widths: tuple[int, ...]) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.number_format = "@"  # text: keeps codes such as 010101 from turning into numbers
    ws.freeze_panes = "A2"
