"""The dispatch desk: one inbound message in, ticket changes and outgoing messages out.

The caller opens one unit of work per message and commits it: one message, one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dispatcher import commands, recall, reporting
from dispatcher.addressed import answer_addressed
from dispatcher.classification import Classification, Classifier, Decision, Intent
from dispatcher.lists import ResponsibilityList
from dispatcher.messages import InboundMessage
from dispatcher.org import Organisation
from dispatcher.ports import TicketTimers, UnitOfWork
from dispatcher.precedents import applicable, apply_precedents


@dataclass(frozen=True, kw_only=True)
class Desk:
    """Everything the desk needs besides the unit of work; reloadable parts are callables."""

    org: Organisation
    responsibility_list: Callable[[], ResponsibilityList]
    classifier: Callable[[], Classifier]
    timers: TicketTimers
    tz: ZoneInfo


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the desk made of a message (for logs, metrics and replay)."""

    classification: Classification
    tickets: tuple[str, ...] = ()


def handle_message(*, desk: Desk, uow: UnitOfWork, message: InboundMessage, now: datetime) -> Outcome:
    """Classify one message and act on it: open tickets, run a command, or stay quiet."""
    classification = desk.classifier().classify(message.text)
    if message.recalled:  # a recall event: ``message_id`` names the recalled report
        return Outcome(classification=classification,
                       tickets=recall.handle_recall(desk=desk, uow=uow, message=message, now=now))
    if classification.intent is Intent.COMMAND and classification.command is not None:
        tags = commands.run_command(desk=desk, uow=uow, message=message,
                                    command=classification.command, now=now)
        return Outcome(classification=classification, tickets=tags)
    classification = answer_addressed(classification, message)  # "@机器人 …" gets an answer
    if classification.decision is Decision.IGNORE:
        return Outcome(classification=classification)
    community = desk.org.community_of_chat(message.chat_id)
    if community is None:
        # Reports only count in a community grid chat; elsewhere we don't open tickets.
        return Outcome(classification=classification)
    classification = apply_precedents(  # a station head's rulings re-route their items
        classification, applicable(uow.precedents.active(), community.id))
    tags = reporting.open_tickets(desk=desk, uow=uow, message=message,
                                  classification=classification, now=now)
    return Outcome(classification=classification, tickets=tags)
