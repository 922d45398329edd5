"""Words of the station-head digest and the street's weekly summary (WeCom markdown)."""

from __future__ import annotations

WEEKDAYS = "一二三四五六日"

TITLE = "**{community}每日简报** {month}月{day}日（周{weekday}）"
ACTIVITY = ("> {period}：上报 {reported} 件（派单 {dispatched}，待分派 {triaged}，重复 {duplicates}），"
            "认领 {claimed}，办结 {resolved}，结案 {closed}")
PERIOD_ONE = "昨日（{month}月{day}日）"
PERIOD_MANY = "{m1}月{d1}日至{m2}月{d2}日"
OPEN_HEAD = "**在办 {total} 件**"
OPEN_LINE = "- {department}：{parts}"
STATE_NAMES = {"dispatched": "待认领", "claimed": "处置中", "resolved": "待确认",
               "disputed": "争议中"}
TRIAGE_OPEN = "- 待分派：{n}"
NOTHING_OPEN = "**在办 0 件**"
OVERDUE_HEAD = "**社区难事榜（逾期 {total} 件，最久的在前）**"
OVERDUE_LINE = "{n}. {tag} {item} · {department} · {clock}逾期{late}"
CLOCK_NAMES = {"claim": "认领", "handle": "办结"}
LATE_DAYS = "{days}天"
LATE_TODAY = "不足1天"
DUE_HEAD = "**今日到期（{total} 件）**"
DUE_LINE = "- {tag} {item} · {department} · {time} 前{clock}"
DISPUTE_HEAD = "**待裁决（{total} 件）** 请回复「裁决 编号 部门」"
TRIAGE_HEAD = "**待分派（{total} 件）** 请回复「转派 编号 部门」"
BRIEF_LINE = "- {tag} {item}"
UNMATCHED_HEAD = "**未匹配清单的消息（{total} 条，可据此修订清单）**"
UNMATCHED_LINE = "- {text}"
MONTH_HEAD = "**本月按时率（认领 / 办结）**"
MONTH_LINE = "- {department}：{claim} / {close}（{n} 件）"
RATE_NONE = "—"
MORE = "……等{n}件"
UNDELIVERED = "<font color=\"warning\">有 {n} 条消息未能送达，请检查消息通道</font>"
LINK = "[在看板查看全部]({url})"

WEEKLY_TITLE = "**{street}周报** {month}月{day}日"
WEEKLY_PERIOD = "> 统计：{m1}月{d1}日至今"
WEEKLY_COMMUNITY = ("**{community}**：上报 {reported}，认领 {claimed}，办结 {resolved}，结案 {closed}；"
                    "在办 {open}，逾期 {overdue}，待裁决 {disputes}，待分派 {triage}，未匹配 {unmatched}；"
                    "按时认领 {claim}，按时办结 {close}")
WEEKLY_UNDELIVERED = "<font color=\"warning\">{community}有 {n} 条消息未能送达</font>"
WEEKLY_LINK = "[在看板查看]({url})"
