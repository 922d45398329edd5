"""Intent cues that keep the group quiet: what is chatter, what is a command.

Whether a message describes a problem at all is decided in signals.py; this module reads
commands and the messages that are nothing but acknowledgements, greetings or emoji.
"""

from __future__ import annotations

import re

from dispatcher.grammar import Command, Verb, parse_command

# A whole message made only of acknowledgements, greetings, emoji or media placeholders.
_ACK_WORDS = (
    r"收到|好的?|好滴|好嘞|嗯+|ok|okay|谢谢|感谢|多谢|辛苦了?|明白|了解|知道了|晓得了|"
    r"早上好|早安|大家早|大家好|中午好|下午好|晚上好|晚安|哈+|呵+|谢谢领导|领导辛苦|"
    r"大家辛苦了?|各位辛苦了?|点赞|赞|1|对|是的|可以|行|没问题|你好|您好|在吗|在不在|在么|谢啦"
)
_ACK_RE = re.compile(rf"^(?:(?:{_ACK_WORDS})[\s，,。.!！~～、]*)+$")
_SYMBOLS_RE = re.compile(r"^[\W_\d]*$")

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
