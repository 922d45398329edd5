"""延期, duplicates, 合并 / 取消合并, recalls and the pure helpers behind them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from dispatcher.classification import Classification, Decision, Intent, ItemMatch
from dispatcher.duplicates import extract_places, places_overlap
from dispatcher.extensions import parse_extension
from dispatcher.lists import TimeLimit, TimeUnit
from dispatcher.precedents import Precedent, apply_precedents
from dispatcher.tickets import Status
from tests.builders import make_list, message
from tests.unit.dispute_helpers import NOW, Chat

SHOP = "文山路菜场门口有人跨门经营"


@pytest.mark.parametrize(("text", "limit", "reason"), [
    ("2天 材料未到", TimeLimit(2, TimeUnit.NATURAL_DAYS), "材料未到"),
    ("3个工作日", TimeLimit(3, TimeUnit.WORK_DAYS), ""),
    ("4小时 等配件", TimeLimit(4, TimeUnit.HOURS), "等配件"),
    ("需要2工作日", TimeLimit(2, TimeUnit.WORK_DAYS), "需要"),
    ("两个工作日 人手不足", TimeLimit(2, TimeUnit.WORK_DAYS), "人手不足"),
    ("3工作时", TimeLimit(3, TimeUnit.WORK_HOURS), ""),
])
def test_parse_extension(text: str, limit: TimeLimit, reason: str) -> None:
    assert parse_extension(text) == (limit, reason)


@pytest.mark.parametrize("text", ["", "材料未到", "0天"])
def test_parse_extension_needs_a_duration(text: str) -> None:
    assert parse_extension(text) is None


def test_extract_places_and_overlap() -> None:
    assert extract_places(SHOP) == {"文山路", "文山路菜场"}
    assert extract_places("今天发现人民路与中山路交叉口井盖没了") == {"人民路", "中山路"}
    assert "阳光小区" in extract_places("阳光小区3幢门口有人大喇叭招揽")
    assert "3幢" in extract_places("阳光小区3幢门口有人大喇叭招揽")
    assert places_overlap(extract_places("在文山路菜场跨门经营"), extract_places(SHOP))
    assert not places_overlap(extract_places("东江路有人跨门经营"), extract_places(SHOP))
    assert extract_places("有人跨门经营") == frozenset()


def test_apply_precedents_reroutes_items_and_candidates() -> None:
    item = make_list().item("040101")
    assert item is not None
    match = ItemMatch(item=item, score=0.9, evidence=("跨门经营",), department="zhifa")
    found = Classification(text=SHOP, intent=Intent.REPORT, decision=Decision.DISPATCH,
                           items=(match,), candidates=(match,))
    ruled = Precedent(item_code="040101", department="shijian", created_by="xialing-head",
                      created_at=NOW, id=1)
    narrow = replace(ruled, department="gongan", keywords=("夜市",), id=2)
    routed = apply_precedents(found, [ruled, narrow])
    assert [m.department for m in (*routed.items, *routed.candidates)] == ["shijian"] * 2
    assert "先例#1" in routed.items[0].evidence
    night = apply_precedents(replace(found, text="夜市跨门经营"), [ruled, narrow])
    assert night.items[0].department == "gongan"
    revoked = replace(ruled, revoked_at=NOW)
    assert apply_precedents(found, [revoked]).items[0].department == "zhifa"


def test_extension_approved_moves_the_deadline_and_restarts_the_ladder() -> None:
    chat = Chat()
    chat.say(SHOP)
    chat.say("认领", "zhifa-1", minutes=5)
    ticket = chat.ticket("A0001")
    deadline = ticket.handle_deadline
    assert deadline is not None
    ticket.handle_reminded, ticket.stage_level = True, 1
    assert chat.say("申请延期 A0001", "zhifa-1") == ["refused"]  # no duration
    assert chat.say("申请延期 A0001 2天 材料未到", "zhifa-1", minutes=10) == ["extension_request"]
    assert chat.last_mentions == ("xialing-head",)
    assert chat.say("申请延期 A0001 1天", "zhifa-1", minutes=11) == ["refused"]  # one at a time
    assert chat.say("同意延期", "zhifa-1", minutes=12) == ["refused"]
    assert chat.say("同意延期", "xialing-head", minutes=15) == ["extension_decision"]
    assert ticket.handle_deadline == deadline + timedelta(days=2)
    assert not ticket.handle_reminded and ticket.stage_level == 0
    assert ticket.extension_count == 1 and ticket.extension_request is None
    assert chat.kinds("A0001")[-2:] == ["extension_request", "extension_decision"]
    decision = chat.uow.tickets.events("A0001")[-1].detail
    assert decision["approved"] is True and decision["limit"] == "2自然日"


def test_extension_refused_keeps_the_deadline() -> None:
    chat = Chat()
    chat.say(SHOP)
    deadline = chat.ticket("A0001").handle_deadline
    chat.say("申请延期 3个工作日 人手不足", "zhifa-1")
    assert chat.say("不同意延期 A0001", "xialing-head") == ["extension_decision"]
    assert chat.ticket("A0001").handle_deadline == deadline
    assert chat.say("同意延期 A0001", "xialing-head") == ["refused"]  # nothing pending


def test_duplicate_within_72_hours_is_linked_without_a_ping() -> None:
    chat = Chat()
    chat.say(SHOP)
    assert chat.say("文山路菜场门口又有人跨门经营", minutes=60) == ["duplicate"]
    duplicate = chat.ticket("A0002")
    assert duplicate.status is Status.DUPLICATE and duplicate.duplicate_of == "A0001"
    assert chat.last_mentions == ("grid-wang",) and "A0001" in chat.last
    assert "待认领" in chat.last
    assert chat.say("东江路有人跨门经营", minutes=70) == ["dispatch"]  # another place
    assert chat.say("文山路菜场门口有人跨门经营", minutes=72 * 60 + 1) == ["dispatch"]


def test_merge_and_unmerge() -> None:
    chat = Chat()
    chat.say(SHOP)
    chat.say("东江路有人跨门经营", minutes=1)
    assert chat.say("合并 A0002 A0001", "zhifa-1", minutes=2) == ["refused"]
    assert chat.say("合并 A0002", "xialing-head", minutes=2) == ["refused"]
    assert chat.say("合并 A0002 A0001", "xialing-head", minutes=3) == ["merge"]
    merged = chat.ticket("A0002")
    assert merged.status is Status.DUPLICATE and merged.duplicate_of == "A0001"
    assert merged.next_timer_at is None
    assert chat.say("取消合并 A0001", "xialing-head", minutes=4) == ["refused"]
    assert chat.say("取消合并 A0002", "xialing-head", minutes=5) == ["merge"]
    merged = chat.ticket("A0002")
    assert merged.status is Status.DISPATCHED and merged.duplicate_of is None
    assert merged.claim_deadline == NOW + timedelta(minutes=65)


def test_recall_cancels_unclaimed_and_tells_the_head_about_claimed() -> None:
    chat = Chat()
    report = message(SHOP)
    chat.deliver(report)
    assert chat.deliver(replace(report, recalled=True, text=""), minutes=1) == ["cancel"]
    assert chat.ticket("A0001").status is Status.CANCELLED
    second = message("东江路有人跨门经营")
    chat.deliver(second, minutes=2)
    chat.say("认领", "zhifa-1", minutes=3)
    assert chat.deliver(replace(second, recalled=True, text=""), minutes=4) == ["status"]
    assert chat.ticket("A0002").status is Status.CLAIMED
    assert chat.last_mentions == ("xialing-head",)
    assert chat.deliver(replace(message("随便"), recalled=True), minutes=5) == []
