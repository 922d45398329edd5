"""``gridbot report``: department scorecards as XLSX (a sheet per view, native charts) or CSV.

The figures come from models/reporting.py; this module only lays them out. Excel and WPS
open the file with nothing else installed: charts are openpyxl's native chart objects.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from dispatcher.digest import pooled
from dispatcher.privacy import mask_phones
from dispatcher.reporting_ports import Scorecard
from dispatcher.scorecard import ScoreWeights, score

DETAIL_LIMIT = 50_000  # rows on the detail sheet; beyond that the sheet says so

SUMMARY_HEADER = ("部门", "派单数", "按时认领率", "认领用时中位数(分钟)", "按时办结率",
                  "办结用时中位数(分钟)", "结案率", "返工(重办)", "退回", "退回被驳回",
                  "延期", "升级1级", "升级2级", "升级3级", "得分", "扣分")
DETAIL_HEADER = ("编号", "社区", "部门", "事项代码", "事项", "状态", "紧急程度", "上报时间",
                 "认领时限", "认领时间", "处置时限", "办结时间", "结案时间", "最高升级",
                 "返工次数", "退回次数", "延期次数")


@dataclass(frozen=True)
class ReportData:
    title: str
    cards: Sequence[Scorecard]
    communities: Sequence[tuple[str, Sequence[Scorecard]]]  # community name, its cards
    details: Iterable[tuple[Any, ...]]
    weights: ScoreWeights
    label: Callable[[str | None], str]
    tz: ZoneInfo


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summary_rows(data: ReportData) -> list[list[Any]]:
    rows = []
    for c in data.cards:
        s = score(c, data.weights)
        rows.append([data.label(c.department), c.dispatched, _rate(c.on_time_claim_rate),
                     _minutes(c.median_claim_minutes), _rate(c.on_time_close_rate),
                     _minutes(c.median_handle_minutes), _rate(c.close_rate), c.reworks,
                     c.disputes_raised, c.disputes_lost, c.extensions, *c.escalations,
                     s.total if s else None, s.deducted if s else None])
    return rows


def write_csv(data: ReportData, path: Path) -> None:
    """The summary table; UTF-8 with BOM so Excel shows the Chinese headers."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUMMARY_HEADER)
        writer.writerows(summary_rows(data))


def write_xlsx(data: ReportData, path: Path) -> None:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "总表"
    rows = summary_rows(data)
    _table(summary, [data.title], SUMMARY_HEADER, rows, percent_cols=(3, 5, 7))
    _bar(summary, "部门得分", cols=(15,), n=len(rows), anchor="R3")
    _view(book, "按时率", rows, (0, 2, 4, 6), "按时认领率 / 按时办结率 / 结案率", percent=True)
    _view(book, "处置时长", rows, (0, 3, 5), "用时中位数（分钟）")
    _view(book, "返工与退回", rows, (0, 7, 8, 9, 10), "返工、退回、延期（件）")
    _view(book, "升级", rows, (0, 11, 12, 13), "升级到各级的工单（件）")
    _communities(book, data)
    _details(book, data)
    book.save(path)


def _table(sheet: Worksheet, title: Sequence[str], header: Sequence[str],
           rows: Sequence[Sequence[Any]], percent_cols: Sequence[int] = ()) -> None:
    sheet.append(list(title))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for col in percent_cols:
        for (cell,) in sheet.iter_rows(min_row=3, min_col=col, max_col=col):
            cell.number_format = "0.0%"


def _bar(sheet: Worksheet, title: str, *, cols: Sequence[int], n: int, anchor: str,
         percent: bool = False) -> None:
    if n == 0:
        return
    chart = BarChart()
    chart.title = title
    for col in cols:
        chart.add_data(Reference(sheet, min_col=col, min_row=2, max_row=n + 2),
                       titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=n + 2))
    if percent:
        chart.y_axis.numFmt = "0%"
    sheet.add_chart(chart, anchor)


def _view(book: Workbook, name: str, rows: Sequence[Sequence[Any]], columns: Sequence[int],
          title: str, percent: bool = False) -> None:
    sheet = book.create_sheet(name)
    header = [SUMMARY_HEADER[i] for i in columns]
    _table(sheet, [title], header, [[row[i] for i in columns] for row in rows],
           percent_cols=range(2, len(columns) + 1) if percent else ())
    _bar(sheet, title, cols=range(2, len(columns) + 1), n=len(rows),
         anchor=f"{chr(ord('A') + len(columns) + 1)}3", percent=percent)


def _communities(book: Workbook, data: ReportData) -> None:
    sheet = book.create_sheet("按社区")
    rows = []
    for name, cards in data.communities:
        claim, close = pooled(cards)
        rows.append([name, sum(c.dispatched for c in cards), _rate(claim), _rate(close),
                     sum(c.reworks for c in cards), sum(c.escalations[0] for c in cards)])
    _table(sheet, ["各社区派单与按时率"], ("社区", "派单数", "按时认领率", "按时办结率",
                                      "返工", "升级工单"), rows, percent_cols=(3, 4))
    _bar(sheet, "各社区派单数", cols=(2,), n=len(rows), anchor="H3")


def _details(book: Workbook, data: ReportData) -> None:
    sheet = book.create_sheet("工单明细")
    sheet.append(list(DETAIL_HEADER))
    count = 0
    for row in data.details:
        if count == DETAIL_LIMIT:
            sheet.append([f"明细超过 {DETAIL_LIMIT} 行，其余请在看板查询"])
            break
        sheet.append([_cell(v, data.tz, i, data.label) for i, v in enumerate(row)])
        count += 1


def _cell(value: Any, tz: ZoneInfo, index: int, label: Callable[[str | None], str]) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None)  # Excel has no time zones
    if index == 2:
        return label(value)
    if isinstance(value, str):
        return mask_phones(value)
    return value
