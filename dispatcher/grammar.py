"""The group-chat command grammar (contract §7): text in, ``Command`` out.

Explicit commands start with their verb ("认领 A0012") or name a ticket tag. Soft phrases
("收到我们来处理", "处理好了") are commands too, but the desk acts on them only when they
resolve to exactly one ticket, so ordinary chat never draws a reply.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Verb(StrEnum):
    CLAIM = "claim"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    DISPUTE = "dispute"
    TRANSFER = "transfer"
    RULING = "ruling"
    EXTENSION_REQUEST = "extension_request"
    EXTENSION_APPROVE = "extension_approve"
    EXTENSION_REJECT = "extension_reject"
    STATUS = "status"
    HELP = "help"
    CANCEL = "cancel"
    MERGE = "merge"
    UNMERGE = "unmerge"
    PRECEDENT_LIST = "precedent_list"
    PRECEDENT_REVOKE = "precedent_revoke"


@dataclass(frozen=True, slots=True)
class Command:
    verb: Verb
    tags: tuple[str, ...]
    rest: str  # the words after the verb and tags: a reason, a note, a department name
    explicit: bool


TAG_RE = re.compile(r"#?\b([Aa]\d{4,6})\b")
_MENTION_RE = re.compile(r"@\S+\s*")

# Order matters: longer / negated verbs before the verbs they contain.
_EXPLICIT: tuple[tuple[str, Verb], ...] = (
    (r"不同意延期|驳回延期", Verb.EXTENSION_REJECT),
    (r"同意延期|批准延期", Verb.EXTENSION_APPROVE),
    (r"申请延期|延期申请|申请延时", Verb.EXTENSION_REQUEST),
    (r"取消合并|撤销合并|拆分", Verb.UNMERGE),
    (r"(?:撤销|取消|废止)(?:先例|裁决)", Verb.PRECEDENT_REVOKE),
    (r"先例|裁决记录", Verb.PRECEDENT_LIST),
    (r"认领", Verb.CLAIM),
    (r"已办结|办结|已处理完毕|已处置", Verb.RESOLVE),
    (r"没解决|未解决|没有解决|还没解决", Verb.REOPEN),
    (r"确认(?:结案|关闭|办结)?", Verb.CONFIRM),
    (r"退回|退单", Verb.DISPUTE),
    (r"转派|改派", Verb.TRANSFER),
    (r"裁决|裁定", Verb.RULING),
    (r"进度|查询|查进度", Verb.STATUS),
    (r"帮助|help|菜单|\?|？", Verb.HELP),
    (r"撤销|撤回工单|取消工单", Verb.CANCEL),
    (r"合并", Verb.MERGE),
)
_EXPLICIT_RE = [(re.compile(rf"^(?:{pattern})"), verb) for pattern, verb in _EXPLICIT]

_SOFT: tuple[tuple[str, Verb], ...] = (
    (r"不归我们|不属于我们|不是我们(?:的|管|负责)|非我(?:单位|部门)职责", Verb.DISPUTE),
    (r"^收到[，,！!。 ]*(?:我们|我|马上|立即|立刻)?.{0,4}(?:处理|来办|安排|过去|去看)", Verb.CLAIM),
    (r"^(?:我们)?(?:来|马上|立即)(?:处理|安排)", Verb.CLAIM),
    (r"处理好了|已经处理|已处理|搞定了|已清理|清理完毕|整改完毕|已整改|修好了|已修复|已劝离",
     Verb.RESOLVE),
    (r"^(?:好的?[，,]?)?(?:已经|已)?解决了|^可以了|^没问题了", Verb.CONFIRM),
)
_SOFT_RE = [(re.compile(pattern), verb) for pattern, verb in _SOFT]


def normalise(text: str) -> str:
    """NFKC-fold full-width characters, drop @mentions and collapse white space."""
    folded = unicodedata.normalize("NFKC", text or "")
    folded = _MENTION_RE.sub(" ", folded)
    return " ".join(folded.split())


def find_tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.upper() for m in TAG_RE.findall(unicodedata.normalize("NFKC", text))))


def parse_command(text: str) -> Command | None:
    """Read a command from a group message, or return None for anything else."""
    body = normalise(text)
    tags = find_tags(body)
    lead = TAG_RE.sub(" ", body).strip(" ，,。:：")
    for pattern, verb in _EXPLICIT_RE:
        match = pattern.match(lead)
        if match:
            rest = lead[match.end():].strip(" ，,。:：")
            if verb is Verb.HELP and rest:
                continue  # "帮助" must stand alone; "帮助老人…" is not a command
            return Command(verb=verb, tags=tags, rest=rest, explicit=True)
    for pattern, verb in _SOFT_RE:
        if pattern.search(lead):
            return Command(verb=verb, tags=tags, rest=lead, explicit=bool(tags))
    return None
