"""The dashboard's data shapes: the JSON API returns them (so they are in the OpenAPI
schema) and the pages render the very same objects."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class TicketOut(BaseModel):
    tag: str
    status: str
    status_label: str
    community: str | None
    community_name: str | None
    chat_id: str
    department: str | None
    department_name: str | None
    co_departments: list[str]
    item_code: str | None
    item_name: str | None
    urgency: str
    limit_text: str | None
    reporter_name: str
    source_text: str
    reported_at: datetime
    claim_deadline: datetime | None
    claimed_at: datetime | None
    handle_deadline: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    escalation_level: int
    reopen_count: int
    dispute_count: int
    duplicate_of: str | None
    overdue: bool
    late_since: datetime | None = Field(description="超时工单最早错过的时限")


class TicketPageOut(BaseModel):
    items: list[TicketOut]
    total: int
    page: int
    per_page: int
    pages: int


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str = Field(description="inbound 群消息 | event 工单事件 | outbox 机器人发出")
    kind_label: str
    actor: str | None
    text: str | None
    event: str | None
    event_label: str | None
    detail: dict[str, Any]
    chat_id: str | None
    delivery: str | None = Field(description="机器人消息的投递状态 pending|sent|dead")


class TicketDetailOut(BaseModel):
    ticket: TicketOut
    timeline: list[TimelineEntryOut]


class OutboxFailureOut(BaseModel):
    id: int
    chat_id: str
    channel: str
    ticket: str | None
    event: str | None
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime


class DayCount(BaseModel):
    day: date
    count: int


class NameCount(BaseModel):
    key: str | None
    name: str
    count: int


class HeatCell(BaseModel):
    community: str | None
    department: str | None
    count: int


class StatsOut(BaseModel):
    by_status: dict[str, int]
    open_total: int
    overdue: int
    failing_outbox: int
    failing: list[OutboxFailureOut]
    by_day: list[DayCount]
    by_item: list[NameCount]
    by_department: list[NameCount]
    overdue_heat: list[HeatCell]


class ConditionOut(BaseModel):
    filing: str
    limit: str
    closing: str


class ListItemOut(BaseModel):
    code: str
    name: str
    department: str
    department_name: str
    co_departments: list[str]
    urgency: str
    aliases: list[str]
    conditions: list[ConditionOut]


class CategoryOut(BaseModel):
    list: str
    list_label: str
    code: str
    name: str
    items: builtins.list[ListItemOut]


class ListsOut(BaseModel):
    label: str
    total_items: int
    categories: builtins.list[CategoryOut]


class ClassifyIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class ItemMatchOut(BaseModel):
    code: str | None  # None: a department suggested by its duties, no list item
    list: str | None
    category: str
    name: str
    department: str
    department_name: str
    co_departments: builtins.list[str]
    urgency: str
    score: float
    evidence: builtins.list[str]


class ClassifyOut(BaseModel):
    text: str
    intent: str
    intent_label: str
    decision: str
    decision_label: str
    items: builtins.list[ItemMatchOut]
    candidates: builtins.list[ItemMatchOut]


class MeOut(BaseModel):
    username: str
    name: str
    role: str
    community: str | None
    department: str | None
