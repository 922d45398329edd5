"""Shared set-up for the dispute/extension/duplicate unit tests: a desk on fakes and a driver."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dispatcher.classification import Classification, Classifier, ItemMatch
from dispatcher.desk import Desk, handle_message
from dispatcher.keyword_classifier import KeywordClassifier
from dispatcher.lists import Department, ResponsibilityList
from dispatcher.messages import InboundMessage
from dispatcher.org import Member, Organisation, Role
from dispatcher.tickets import Ticket
from tests.builders import make_desk, make_list, message
from tests.fakes.domain import ContinuousTimers, FakeUnitOfWork

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class RunnerUpClassifier:
    """The keyword classifier, plus 市场监管 as a runner-up candidate for 跨门经营 reports."""

    def __init__(self, lst: ResponsibilityList) -> None:
        self._inner = KeywordClassifier(responsibility_list=lst)

    def classify(self, text: str) -> Classification:
        found = self._inner.classify(text)
        shop = [m for m in found.candidates if m.item.code == "040101"]
        if not shop:
            return found
        runner_up = ItemMatch(item=replace(shop[0].item, code="040199", name="无照经营",
                                           department="shijian"),
                              score=0.4, evidence=("经营",), department="shijian")
        return replace(found, candidates=(*found.candidates, runner_up))


def dispute_desk(*, runner_up: bool = False) -> Desk:
    desk = make_desk(ContinuousTimers())
    lst = make_list()
    departments = {**lst.departments,
                   "shijian": Department("shijian", "市场监督管理局", ("市监", "市场监管"))}
    lst = ResponsibilityList(label=lst.label, departments=departments, items=lst.items)
    classifier: Classifier = (RunnerUpClassifier(lst) if runner_up
                              else KeywordClassifier(responsibility_list=lst))
    org = desk.org
    members = {**org.members, "shijian-1": Member("shijian-1", "市监联络员", Role.LIAISON,
                                                    "shijian")}
    org = Organisation(street_id=org.street_id, street_name=org.street_name,
                       command_chat=org.command_chat, street_duty=org.street_duty,
                       city_chat=org.city_chat, city_duty=org.city_duty,
                       communities=org.communities, members=members)
    return replace(desk, org=org, responsibility_list=lambda: lst,
                   classifier=lambda: classifier)


class Chat:
    """Drive one desk and one fake unit of work; ``say`` returns the events the bot sent."""

    def __init__(self, desk: Desk | None = None) -> None:
        self.desk = desk or dispute_desk()
        self.uow = FakeUnitOfWork()

    def say(self, text: str, sender: str = "grid-wang", *, minutes: float = 0,
            quote: str | None = None) -> list[str]:
        return self.deliver(message(text, sender=sender, quote=quote), minutes=minutes)

    def deliver(self, inbound: InboundMessage, *, minutes: float = 0) -> list[str]:
        before = len(self.uow.outbox.sent)
        handle_message(desk=self.desk, uow=self.uow, message=inbound,
                       now=NOW + timedelta(minutes=minutes))
        return [m.event or "" for _, m in self.uow.outbox.sent[before:]]

    def ticket(self, tag: str) -> Ticket:
        found = self.uow.tickets.get(tag)
        assert found is not None, tag
        return found

    @property
    def last(self) -> str:
        return self.uow.outbox.sent[-1][1].text

    @property
    def last_mentions(self) -> tuple[str, ...]:
        return self.uow.outbox.sent[-1][1].mentions

    def kinds(self, tag: str) -> list[str]:
        return [e.kind for e in self.uow.tickets.events(tag)]
