"""Responsibility lists as immutable domain objects.

The core never opens a file: loaders in ``models/`` turn YAML/CSV/XLSX into these types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ListKind(StrEnum):
    COMPONENT = "component"  # 部件
    EVENT = "event"  # 事件


class Urgency(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class TimeUnit(StrEnum):
    """处置时限 units (contract §4). Continuous units ignore the working calendar."""

    URGENT_WORK_HOURS = "紧急工作时"  # continuous hours, safety-critical
    HOURS = "小时"
    MINUTES = "分钟"
    WORK_HOURS = "工作时"  # working minutes only
    WORK_DAYS = "工作日"
    NATURAL_DAYS = "自然日"

    @property
    def is_continuous(self) -> bool:
        return self in _CONTINUOUS


_CONTINUOUS = frozenset({TimeUnit.URGENT_WORK_HOURS, TimeUnit.HOURS, TimeUnit.MINUTES,
                         TimeUnit.NATURAL_DAYS})

# Longest unit names first so that "紧急工作时" is not read as "工作时".
_UNIT_PATTERN = "|".join(sorted((re.escape(u.value) for u in TimeUnit), key=len, reverse=True))
_LIMIT_RE = re.compile(rf"^\s*(\d+(?:\.\d+)?)\s*({_UNIT_PATTERN})\s*$")


class TimeLimitError(ValueError):
    """A 处置时限 text that cannot be read."""


@dataclass(frozen=True, slots=True)
class TimeLimit:
    amount: float
    unit: TimeUnit

    @classmethod
    def parse(cls, text: str) -> TimeLimit:
        """Read a 处置时限 such as ``"2紧急工作时"`` or ``"5 工作日"``."""
        match = _LIMIT_RE.match(text or "")
        if match is None:
            units = "、".join(u.value for u in TimeUnit)
            raise TimeLimitError(f"无法识别的处置时限「{text}」：应为数字加单位（{units}）")
        amount = float(match.group(1))
        if amount <= 0:
            raise TimeLimitError(f"处置时限「{text}」必须大于 0")
        return cls(amount=amount, unit=TimeUnit(match.group(2)))

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount}{self.unit.value}"


@dataclass(frozen=True, slots=True)
class CaseCondition:
    """One 立案条件 with its 处置时限 and 结案条件."""

    filing: str
    limit: TimeLimit
    closing: str


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    short_names: tuple[str, ...] = ()
    # 职责 words: matters the department is known to own that the item list has no item for
    # (药品安全, 社区矫正 …); the classifier suggests the department from them, never dispatches.
    duties: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.short_names)


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    list: ListKind
    category: str  # 大类名称
    category_code: str
    name: str  # 小类名称
    department: str  # 主办
    conditions: tuple[CaseCondition, ...]
    aliases: tuple[str, ...] = ()
    co_departments: tuple[str, ...] = ()  # 协办
    supervisor: str | None = None  # 主管/监督部门
    urgency: Urgency = Urgency.NORMAL
    source: str = ""

    @property
    def default_limit(self) -> TimeLimit:
        """The 处置时限 of the first (most common) 立案条件."""
        return self.conditions[0].limit


@dataclass(frozen=True)
class ResponsibilityList:
    label: str
    departments: Mapping[str, Department]
    items: tuple[Item, ...]
    _by_code: Mapping[str, Item] = field(init=False, repr=False)
    _dept_names: Mapping[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {item.code: item for item in self.items})
        names: dict[str, str] = {}
        for dept in self.departments.values():
            for name in dept.all_names:
                names.setdefault(name.lower(), dept.id)
        object.__setattr__(self, "_dept_names", names)

    def item(self, code: str) -> Item | None:
        return self._by_code.get(code)

    def items_of(self, kind: ListKind) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.list is kind)

    def department_label(self, dept_id: str | None) -> str:
        """The department's full name for messages; the bare id when it is not registered."""
        dept = self.departments.get(dept_id) if dept_id else None
        return dept.name if dept else (dept_id or "—")

    def department_named(self, name: str) -> Department | None:
        """Resolve a department by id, full name or any short name people type."""
        dept_id = self._dept_names.get(name.strip().lower())
        return self.departments.get(dept_id) if dept_id else None
