"""Builders for domain objects used across unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dispatcher.desk import Desk
from dispatcher.keyword_classifier import KeywordClassifier
from dispatcher.lists import (
    CaseCondition,
    Department,
    Item,
    ListKind,
    ResponsibilityList,
    TimeLimit,
    Urgency,
)
from dispatcher.messages import InboundMessage
from dispatcher.org import Community, Member, Organisation, Role
from dispatcher.ports import TicketTimers

TZ = ZoneInfo("Asia/Shanghai")


def make_list() -> ResponsibilityList:
    def item(code: str, name: str, dept: str, aliases: tuple[str, ...], limit: str,
             urgency: Urgency = Urgency.NORMAL, co: tuple[str, ...] = ()) -> Item:
        return Item(code=code, list=ListKind.EVENT, category="街面秩序", category_code="04",
                    name=name, department=dept, aliases=aliases, co_departments=co,
                    urgency=urgency,
                    conditions=(CaseCondition("发现即立案", TimeLimit.parse(limit), "恢复原状"),))

    departments = {
        "zhifa": Department("zhifa", "综合行政执法局", ("城管", "执法")),
        "gongan": Department("gongan", "公安派出所", ("派出所", "公安")),
        "shuiwu": Department("shuiwu", "水务集团", ("自来水",)),
    }
    items = (
        item("040101", "店外经营", "zhifa", ("跨门经营", "跨门营业", "出店经营"), "2紧急工作时"),
        item("040501", "商业噪声", "gongan", ("大喇叭", "喇叭招揽"), "1工作日"),
        item("010101", "污水井盖", "shuiwu", ("井盖没了", "井盖"), "2小时", Urgency.URGENT),
    )
    return ResponsibilityList(label="测试清单", departments=departments, items=items)


def make_org() -> Organisation:
    members = {
        "grid-wang": Member("grid-wang", "王网格员", Role.GRID_WORKER),
        "xialing-head": Member("xialing-head", "下菱站长", Role.STATION_HEAD),
        "zhifa-1": Member("zhifa-1", "执法联络员", Role.LIAISON, "zhifa"),
        "gongan-1": Member("gongan-1", "派出所联络员", Role.LIAISON, "gongan"),
        "shuiwu-1": Member("shuiwu-1", "水务联络员", Role.LIAISON, "shuiwu"),
    }
    community = Community("xialing", "下菱社区", "xialing-grid", "下菱社区全科网格群",
                          "xialing-head")
    return Organisation(street_id="lanjiang", street_name="兰江街道",
                        command_chat="lanjiang-center", street_duty="lanjiang-duty",
                        city_chat="city-center", city_duty="city-duty",
                        communities=(community,), members=members)


def make_desk(timers: TicketTimers) -> Desk:
    lst = make_list()
    classifier = KeywordClassifier(responsibility_list=lst)
    return Desk(org=make_org(), responsibility_list=lambda: lst,
                classifier=lambda: classifier, timers=timers, tz=TZ)


_counter = iter(range(1, 1_000_000))


def message(text: str, *, sender: str = "grid-wang", at: datetime | None = None,
            chat: str = "xialing-grid", quote: str | None = None,
            mentions_bot: bool = False) -> InboundMessage:
    return InboundMessage(channel="test", message_id=f"m{next(_counter)}", chat_id=chat,
                          sender_id=sender, text=text,
                          sent_at=at or datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
                          quote_text=quote, mentions_bot=mentions_bot)
