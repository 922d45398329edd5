"""Property tests of the command grammar and the desk: whatever a member types, the grammar
returns a Command or None and the desk answers (if at all) with a Chinese reply; never a
crash, never an empty message."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.desk import handle_message
from dispatcher.grammar import Command, Verb, find_tags, normalise, parse_command
from tests.builders import make_desk, message
from tests.fakes.domain import ContinuousTimers, FakeUnitOfWork

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CJK = re.compile(r"[\u4e00-\u9fff]")
WORDS = ["认领", "已办结", "办结", "确认", "确认结案", "没解决", "退回", "退单", "转派", "改派",
         "裁决", "申请延期", "同意延期", "不同意延期", "驳回延期", "进度", "查询", "帮助", "？",
         "撤销", "合并", "取消合并", "拆分", "先例", "撤销先例", "收到我们来处理", "处理好了",
         "不归我们", "解决了", "执法", "城管", "住建", "2天", "3个工作日", "已劝离", "@网格助手",
         "@zhifa-1", "，", "。", " ", "\u3000", "#"]
TAGS = st.one_of(st.just("A0001"), st.just("A0002"), st.just("a0001"), st.just("#A0001"),
                 st.from_regex(r"[Aa]\d{4,6}", fullmatch=True), st.just("Ａ０００１"))
PIECES = st.one_of(st.sampled_from(WORDS), TAGS, st.text(max_size=12))
COMMANDISH = st.lists(PIECES, max_size=8).map("".join)
MEMBERS = st.sampled_from(["grid-wang", "xialing-head", "zhifa-1", "gongan-1", "shuiwu-1",
                           "stranger"])
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(text=st.one_of(st.text(), COMMANDISH))
def test_the_grammar_always_returns_a_command_or_none(text: str) -> None:
    command = parse_command(text)
    assert command is None or isinstance(command, Command)
    if command is not None:
        assert isinstance(command.verb, Verb)
        assert all(re.fullmatch(r"A\d{4,6}", tag) for tag in command.tags)
        assert command.tags == find_tags(normalise(text))
    assert normalise(normalise(text)) == normalise(text)  # normalising is idempotent


@FUZZ
@given(script=st.lists(st.tuples(MEMBERS, COMMANDISH, st.booleans()), min_size=1, max_size=6))
def test_the_desk_answers_any_command_sequence_in_chinese(
        script: list[tuple[str, str, bool]]) -> None:
    uow = FakeUnitOfWork()
    desk = make_desk(ContinuousTimers())
    handle_message(desk=desk, uow=uow, message=message("文山路菜场门口有人跨门经营"), now=NOW)
    assert uow.tickets.get("A0001") is not None
    for minute, (sender, text, quoting) in enumerate(script, start=1):
        quote = uow.outbox.sent[-1][1].text if quoting and uow.outbox.sent else None
        handle_message(desk=desk, uow=uow, now=NOW + timedelta(minutes=minute),
                       message=message(text, sender=sender, quote=quote))
    for _, reply in uow.outbox.sent:
        assert reply.text.strip()
        assert CJK.search(reply.text), reply.text
