"""A message that @-mentions the bot expects an answer.

When the classifier finds nothing to dispatch in a message addressed to the bot, a silent
bot looks broken to the sender, so the station head gets it (triage) — unless it is only an
acknowledgement or a greeting ("@机器人 收到", "@机器人 你好"), which needs no answer.
"""

from __future__ import annotations

import re

from dispatcher.classification import Classification, Decision, Intent
from dispatcher.classify.intent import is_pure_chatter
from dispatcher.classify.text import fold
from dispatcher.messages import InboundMessage

# Fewer Chinese characters than this after the @-mention is a greeting or a nudge, not a matter.
SUBSTANCE_MIN_HAN = 5
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def has_substance(text: str) -> bool:
    """More than an acknowledgement, greeting, emoji or media placeholder."""
    body = fold(text)
    return not is_pure_chatter(body) and len(_HAN_RE.findall(body)) >= SUBSTANCE_MIN_HAN


def answer_addressed(classification: Classification, message: InboundMessage) -> Classification:
    """Hand an addressed, substantive message the classifier would ignore to the station head."""
    ignored = classification.intent is Intent.CHATTER and classification.decision is Decision.IGNORE
    if not (ignored and message.mentions_bot and has_substance(message.text)):
        return classification
    return Classification(text=classification.text, intent=Intent.REPORT, decision=Decision.TRIAGE)
