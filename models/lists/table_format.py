"""Column layout shared by the XLSX/CSV importer and exporter.

The first nine columns are the 立结案标准 template real cities use (运城 muban.xlsx); the
exporter adds four columns so a round trip keeps every field of the YAML schema.
"""

from __future__ import annotations

from dispatcher.lists import ListKind, Urgency

CATEGORY_CODE = "大类代码"
CATEGORY_NAME = "大类名称"
ITEM_CODE = "小类代码"
ITEM_NAME = "小类名称"
UNIT = "处置单位"
SUPERVISOR = "主管部门"
FILING = "立案条件"
CLOSING = "结案条件"
LIMIT = "处置时限"
TEMPLATE_COLUMNS = (
    CATEGORY_CODE,
    CATEGORY_NAME,
    ITEM_CODE,
    ITEM_NAME,
    UNIT,
    SUPERVISOR,
    FILING,
    CLOSING,
    LIMIT,
)

CO_DEPARTMENTS = "协办部门"
URGENCY = "紧急程度"
ALIASES = "别名"
SOURCE = "来源"
LIST_COLUMN = "清单"  # CSV only: 部件 / 事件 per row
EXTENDED_COLUMNS = (CO_DEPARTMENTS, URGENCY, ALIASES, SOURCE)
EXPORT_COLUMNS = TEMPLATE_COLUMNS + EXTENDED_COLUMNS

# Other cities' wording for the same columns (运城 official CSV: 监管主体 / 责任主体).
COLUMN_SYNONYMS = {"责任主体": UNIT, "监管主体": SUPERVISOR, "别名/关键词": ALIASES}

SEPARATOR = "、"
URGENCY_LABELS = {Urgency.URGENT: "紧急", Urgency.NORMAL: "一般"}
LIST_NAMES = {ListKind.COMPONENT: "部件", ListKind.EVENT: "事件"}
LIST_PREFIX = {ListKind.COMPONENT: "01", ListKind.EVENT: "02"}

DEPARTMENTS_SHEET = "部门"
DEPT_ID = "id"
DEPT_NAME = "名称"
DEPT_SHORT = "简称"
DEPT_DUTIES = "职责"  # optional column: duty words, 「、」-separated
INFO_SHEET = "说明"
LABEL_KEY = "清单名称"


def kind_of_sheet(title: str) -> ListKind | None:
    for kind, name in LIST_NAMES.items():
        if name in title:
            return kind
    return None


def item_code(kind: ListKind, category_code: str, code: str) -> str:
    """A city sheet's 2-digit 小类代码 becomes prefix + 大类 + 小类; a full code stays as is."""
    if code.isdigit() and len(code) <= 2 and category_code.isdigit() and len(category_code) <= 2:
        return LIST_PREFIX[kind] + category_code.zfill(2) + code.zfill(2)
    return code
