"""SQL building blocks for reporting that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Select, and_, case, cast, func, select
from sqlalchemy.orm import Session


def minutes_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """``later - earlier`` in minutes, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        # date_part gives a double; EXTRACT gives numeric since PostgreSQL 14, several times
        # slower to compute and to sort for a million-row median
        return cast(func.date_part("epoch", later - earlier), Float) / 60.0
    return (func.julianday(later) - func.julianday(earlier)) * 1440.0


def medians(group: Any, value: Any, where: ColumnElement[bool]) -> Select[Any]:
    """Median of ``value`` per ``group`` with window functions (both dialects, no Python loop).

    Rows are numbered within each group; the median is the mean of the middle one or two.
    """
    ranked = select(
        group.label("g"), value.label("v"),
        func.row_number().over(partition_by=group, order_by=value).label("rn"),
        func.count().over(partition_by=group).label("n"),
    ).where(and_(where, value.is_not(None))).subquery()
    rn, n = ranked.c.rn, ranked.c.n
    # integer division on both dialects: n=5 → rows 3..3, n=4 → rows 2..3
    middle = and_(rn >= (n + 1) // 2, rn <= (n + 2) // 2)
    return select(ranked.c.g, func.avg(ranked.c.v)).where(middle).group_by(ranked.c.g)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """``SUM(CASE WHEN condition THEN 1 ELSE 0 END)``, never NULL."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

