"""退回 → next candidate or ruling; 转派 / 裁决; rulings as precedents; who may say what."""

from __future__ import annotations

from datetime import timedelta

from dispatcher.tickets import Status
from tests.unit.dispute_helpers import NOW, Chat, dispute_desk

SHOP = "文山路菜场门口有人跨门经营"


def test_dispute_passes_to_the_next_candidate_who_claims() -> None:
    chat = Chat(dispute_desk(runner_up=True))
    chat.say(SHOP)
    assert chat.say("退回 A0001 不归我们管，应该是市监", "zhifa-1", minutes=10) == ["dispute"]
    ticket = chat.ticket("A0001")
    assert ticket.status is Status.DISPATCHED and ticket.department == "shijian"
    assert ticket.disputed_by == ("zhifa",) and ticket.dispute_count == 1
    assert chat.last_mentions == ("shijian-1",) and "不归我们管" in chat.last
    assert ticket.clock_started_at == NOW + timedelta(minutes=10)  # fresh clocks
    assert ticket.claim_deadline == NOW + timedelta(minutes=70)
    assert chat.say("认领", "shijian-1", minutes=20) == ["claim_ack"]
    assert chat.kinds("A0001") == ["dispatch", "dispute", "transfer", "claim"]


def test_dispute_without_candidate_asks_the_station_head_and_holds_the_clocks() -> None:
    chat = Chat()
    chat.say(SHOP)
    held = chat.ticket("A0001").claim_deadline
    assert chat.say("这个不属于我们", "zhifa-1", minutes=5) == ["dispute"]
    ticket = chat.ticket("A0001")
    assert ticket.status is Status.DISPUTED and ticket.department == "zhifa"
    assert ticket.ruling_deadline == NOW + timedelta(minutes=65)
    assert ticket.next_timer_at == ticket.ruling_deadline
    assert chat.last_mentions == ("xialing-head",)
    assert "清单：店外经营 主办 综合行政执法局" in chat.last and "这个不属于我们" in chat.last
    # The ruling gives it back: the original deadlines stand (the dispute's time counted).
    assert chat.say("裁决 A0001 城管", "xialing-head", minutes=90) == ["transfer"]
    ticket = chat.ticket("A0001")
    assert ticket.status is Status.DISPATCHED and ticket.claim_deadline == held
    assert ticket.ruled_at is not None and "原时限" in chat.last
    # A ruling is final.
    assert chat.say("退回 A0001", "zhifa-1", minutes=95) == ["refused"]
    assert chat.ticket("A0001").status is Status.DISPATCHED


def test_second_bounce_goes_to_ruling_and_the_ruling_becomes_a_precedent() -> None:
    chat = Chat(dispute_desk(runner_up=True))
    chat.say(SHOP)
    chat.say("退回 A0001 不归我们", "zhifa-1", minutes=5)
    assert chat.say("退回 A0001 也不是我们的", "shijian-1", minutes=10) == ["dispute"]
    ticket = chat.ticket("A0001")
    assert ticket.status is Status.DISPUTED and ticket.disputed_by == ("zhifa", "shijian")
    assert "综合行政执法局：不归我们" in chat.last and "市场监督管理局：也不是我们的" in chat.last
    assert chat.say("裁决 A0001 市场监管", "xialing-head", minutes=20) == ["transfer"]
    # Given back to 市监, whose clocks ran from its own transfer at minute 5.
    assert ticket.department == "shijian" and ticket.claim_deadline == NOW + timedelta(minutes=65)
    assert [p.department for p in chat.uow.precedents.active()] == ["shijian"]
    assert "先例 #1" in chat.last
    # The next report of the same item goes straight to the ruled department.
    assert chat.say("东江路有人出店经营", minutes=30) == ["dispatch"]
    assert chat.ticket("A0002").department == "shijian"
    assert chat.say("先例", "zhifa-1", minutes=31) == ["status"] and "#1" in chat.last
    assert chat.say("撤销先例 1", "zhifa-1", minutes=32) == ["refused"]
    assert chat.say("撤销先例 1", "xialing-head", minutes=33) == ["cancel"]
    chat.say("北门路有人出店经营", minutes=40)
    assert chat.ticket("A0003").department == "zhifa"


def test_ruling_elsewhere_gives_fresh_clocks() -> None:
    chat = Chat()
    chat.say(SHOP)
    chat.say("退回 A0001", "zhifa-1", minutes=5)
    assert chat.say("裁决 A0001 派出所", "xialing-head", minutes=30) == ["transfer"]
    ticket = chat.ticket("A0001")
    assert ticket.department == "gongan" and ticket.status is Status.DISPATCHED
    assert ticket.claim_deadline == NOW + timedelta(minutes=90)
    assert chat.last_mentions == ("gongan-1",)


def test_transfer_by_alias_and_refusals_change_nothing() -> None:
    chat = Chat()
    chat.say(SHOP)
    ticket = chat.ticket("A0001")
    assert chat.say("转派 A0001 派出所", "grid-wang") == ["refused"]
    assert chat.say("转派 A0001 派出所", "gongan-1") == ["refused"]
    assert chat.say("裁决 A0001 派出所", "zhifa-1") == ["refused"]
    assert chat.say("退回 A0001", "gongan-1") == ["refused"]
    assert ticket.department == "zhifa" and ticket.status is Status.DISPATCHED
    assert chat.kinds("A0001") == ["dispatch"]
    assert chat.say("转派 A0001 火星局", "xialing-head") == ["refused"]
    assert "火星局" in chat.last
    assert chat.say("转派 A0001 城管", "xialing-head") == ["refused"]  # already theirs
    assert chat.say("转派 A0001 公安派出所", "xialing-head") == ["transfer"]
    assert ticket.department == "gongan" and not chat.uow.precedents.active()


def test_transfer_assigns_a_triaged_report_and_adopts_the_item() -> None:
    chat = Chat()
    assert chat.say("小区门口垃圾乱堆好几天了") == ["triage"]
    assert chat.say("转派 A0001 zhifa", "xialing-head", minutes=10) == ["transfer"]
    ticket = chat.ticket("A0001")
    assert ticket.status is Status.DISPATCHED and ticket.department == "zhifa"


def test_co_departments_are_mentioned_but_the_lead_owns_the_clock() -> None:
    from dataclasses import replace

    desk = dispute_desk()
    lst = desk.responsibility_list()
    items = tuple(replace(i, co_departments=("shijian",)) if i.code == "040101" else i
                  for i in lst.items)
    from dispatcher.keyword_classifier import KeywordClassifier
    from dispatcher.lists import ResponsibilityList

    lst = ResponsibilityList(label=lst.label, departments=lst.departments, items=items)
    classifier = KeywordClassifier(responsibility_list=lst)
    chat = Chat(replace(desk, responsibility_list=lambda: lst, classifier=lambda: classifier))
    assert chat.say(SHOP) == ["dispatch"]
    assert chat.last_mentions == ("zhifa-1", "shijian-1") and "协办" in chat.last
    assert chat.say("认领 A0001", "shijian-1") == ["refused"]
    assert chat.say("认领 A0001", "zhifa-1") == ["claim_ack"]


def test_status_names_state_owner_deadlines_and_last_events() -> None:
    chat = Chat()
    chat.say(SHOP)
    chat.say("认领", "zhifa-1", minutes=5)
    assert chat.say("进度 A0001", "gongan-1", minutes=6) == ["status"]
    assert "处置中" in chat.last and "综合行政执法局" in chat.last and "认领" in chat.last
