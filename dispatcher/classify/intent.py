"""Intent cues that keep the group quiet: what is chatter, what is a command.

Ranking decides whether a message *describes a problem*; these cues decide whether it is
talk *about* problems (notices, praise, questions, statistics) rather than a report.
"""

from __future__ import annotations

import re

from dispatcher.grammar import Command, Verb, parse_command

# A whole message made only of acknowledgements, greetings, emoji or media placeholders.
_ACK_WORDS = (
    r"收到|好的?|好滴|好嘞|嗯+|ok|okay|谢谢|感谢|多谢|辛苦了?|明白|了解|知道了|晓得了|"
    r"早上好|早安|大家早|大家好|中午好|下午好|晚上好|晚安|哈+|呵+|谢谢领导|领导辛苦|"
    r"大家辛苦了?|各位辛苦了?|点赞|赞|1|对|是的|可以|行|没问题"
)
_ACK_RE = re.compile(rf"^(?:(?:{_ACK_WORDS})[\s，,。.!！~～、]*)+$")
_SYMBOLS_RE = re.compile(r"^[\W_\d]*$")

# Talk about work rather than a problem at a place.
_NOTICE_RE = re.compile(
    r"开会|会议|例会|通知|培训(?!班|机构)|哪位知道|有谁知道|谁知道|网格员帮忙|台账|@所有人|所有人|签到|值班|排班|考核|考试|成绩|请假|演练|"
    r"【转发?】|【通报】|【提醒】|通报|转告|纪要|表格|汇报|走访|无异常|没发现问题|未发现|一切正常|正常$|"
    r"督导|检查一下|重点看|自查|报一下|发群里|不要发|回复你|问一下"
)
# Praise for, or notice of, something already dealt with.
_PAST_RE = re.compile(
    r"已经亮了|拖走了|少多了|处理得不错|处理得很快|已经有人报|报过了|已经好了|点赞|辛苦了|谢谢|感谢"
)
# General questions about who owns what, with no problem at a place.
_OWNER_QUESTION_RE = re.compile(
    r"(?:谁管|哪个部门|归哪|找谁|哪个单位|找城管还是|还是找)[^，,。]*[？?]?$"
)
_WARNING_RE = re.compile(
    r"^(?:大家|各位)?(?:注意|提醒)|冒充|不要上当|以后发现|请大家|各网格|大家出门"
)
# Words that turn praise or a notice back into a report of something current.
_CONTRAST_RE = re.compile(
    r"可是|但是|不过|又(?:来|摆|没|坏|有|在|堵|占|倒|开|漏)|还在|还是没|顺便|另外|现在又"
)
# Tags glued to Chinese text ("A0015收到") have no \\b boundary, so look for them directly.
_TAG_RE = re.compile(r"(?<![A-Za-z0-9])#?([Aa]\d{4,6})(?!\d)")
_CLAIM_RE = re.compile(r"(?:我们|我)(?:来)?认领|认领了")
_TAGGED_VERBS: tuple[tuple[re.Pattern[str], Verb], ...] = (
    (re.compile(r"合并|同一件事|重复"), Verb.MERGE),
    (re.compile(r"延期|延时|宽限"), Verb.EXTENSION_REQUEST),
    (re.compile(r"还没|还在|没清|没修|没好|又来|又摆|依旧|仍然"), Verb.REOPEN),
)


def command_of(text: str) -> Command | None:
    """A contract §7 command; a message naming a ticket tag is always about that ticket."""
    command = parse_command(text)
    if command is not None:
        return command
    tags = tuple(dict.fromkeys(t.upper() for t in _TAG_RE.findall(text)))
    if _CLAIM_RE.search(text):
        return Command(verb=Verb.CLAIM, tags=tags, rest=text, explicit=bool(tags))
    if not tags:
        return None
    command = parse_command(_TAG_RE.sub(" ", text))
    if command is not None:
        return Command(verb=command.verb, tags=tags, rest=command.rest, explicit=True)
    for pattern, verb in _TAGGED_VERBS:
        if pattern.search(text):
            return Command(verb=verb, tags=tags, rest=text, explicit=True)
    return Command(verb=Verb.STATUS, tags=tags, rest=text, explicit=True)


def is_pure_chatter(body: str) -> bool:
    """Acknowledgements, greetings, emoji, media placeholders: never a report."""
    return not body or bool(_ACK_RE.match(body)) or bool(_SYMBOLS_RE.match(body))


def chatter_cues(body: str) -> list[str]:
    """Why a message that mentions problem words is still chatter (empty: no such cue)."""
    cues = [
        m.group(0) for rx in (_NOTICE_RE, _PAST_RE, _WARNING_RE) for m in [rx.search(body)] if m
    ]
    if cues and _CONTRAST_RE.search(body):
        return []
    return cues


def owner_question(body: str) -> str | None:
    """A "who handles this?" question: chatter unless a problem is also described."""
    match = _OWNER_QUESTION_RE.search(body)
    return match.group(0) if match else None
