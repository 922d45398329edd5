"""The composition root: build every part of the bot from settings, once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from bot.calendar_source import build_working_calendar
from bot.channels.base import Sender
from bot.channels.wecom.outbound import wecom_channel_for
from bot.inbox import Inbox
from bot.llm_opinion import ChatOpinion, LlmSettings
from bot.org_config import build_organisation
from bot.outbox import ConsoleSender, OutboxWorker
from bot.settings import ConfigError, Settings
from dispatcher.classification import Classifier
from dispatcher.classify.classifier import GridClassifier
from dispatcher.classify.learning import LearnedExample
from dispatcher.classify.second_opinion import WithSecondOpinion
from dispatcher.clock import Clock
from dispatcher.desk import Desk
from dispatcher.lists import ResponsibilityList
from dispatcher.ticket_clock import CalendarTimers
from dispatcher.timing import TimerPolicy
from models.base import make_engine, make_session_factory
from models.learning import LearnedStore
from models.lists import ListHolder
from models.uow import SqlUnitOfWork

RECHECK = timedelta(seconds=10)


class ClassifierHolder:
    """The classifier for the current list and learned examples; rebuilt when either changes.

    Learned examples may be added by another process (``gridbot learn``) or by a station
    head's transfer or ruling, so the store is re-read at most every ``recheck`` of the
    injected clock (virtual time in a replay, so replays stay deterministic).
    """

    def __init__(self, lists: ListHolder,
                 build: Callable[[ResponsibilityList, Sequence[LearnedExample]], Classifier],
                 *, learned: LearnedStore | None = None, now: Callable[[], datetime] | None = None,
                 recheck: timedelta = RECHECK) -> None:
        self._lists = lists
        self._build = build
        self._learned = learned
        self._now = now
        self._recheck = recheck
        self._for: tuple[ResponsibilityList, tuple[int, int]] | None = None
        self._checked_at: datetime | None = None
        self._version = (0, 0)
        self._classifier: Classifier | None = None

    def invalidate(self) -> None:
        self._checked_at = None

    def current(self) -> Classifier:
        lst = self._lists.current
        if self._learned is not None and self._now is not None:
            now = self._now()
            if self._checked_at is None or now - self._checked_at >= self._recheck:
                self._learned.import_rulings(now=now)
                self._version, self._checked_at = self._learned.version(), now
        key = (lst, self._version)
        if self._classifier is None or self._for != key:
            examples = self._learned.active() if self._learned is not None else ()
            self._classifier, self._for = self._build(lst, examples), key
        return self._classifier


def build_classifier(lst: ResponsibilityList,
                     learned: Sequence[LearnedExample] = ()) -> Classifier:
    """The classifier; with a second opinion only when ``GRIDBOT_LLM_BASE_URL`` is set."""
    classifier: Classifier = GridClassifier(responsibility_list=lst, learned=learned)
    llm = LlmSettings.from_env()
    if llm is None:
        return classifier
    return WithSecondOpinion(classifier=classifier, opinion=ChatOpinion(llm))


@dataclass(frozen=True, kw_only=True)
class Services:
    settings: Settings
    clock: Clock
    engine: Engine
    session_factory: sessionmaker[Any]
    lists: ListHolder
    desk: Desk
    timers: CalendarTimers
    inbox: Inbox
    outbox: OutboxWorker
    route: Callable[[str], str]

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, route=self.route)


def build_services(settings: Settings, *, clock: Clock, engine: Engine | None = None,
                   senders: Mapping[str, Sender] | None = None,
                   today: datetime | None = None) -> Services:
    engine = engine or make_engine(settings.database_url)
    factory = make_session_factory(engine)
    lists = ListHolder(settings.lists_dir)
    lists.load()
    classifiers = ClassifierHolder(lists, build_classifier, learned=LearnedStore(factory),
                                   now=clock.now)
    calendar = build_working_calendar(settings.calendar,
                                      today=(today or clock.now()).astimezone(settings.tz).date())
    timers = CalendarTimers(calendar=calendar, policy=timer_policy(settings, lists.current))
    desk = Desk(org=build_organisation(settings.organisation), responsibility_list=lambda: lists.current,
                classifier=classifiers.current, timers=timers, tz=settings.tz)
    route = make_router(settings)
    all_senders: dict[str, Sender] = {"console": ConsoleSender(), **(senders or {})}
    return Services(
        settings=settings, clock=clock, engine=engine, session_factory=factory, lists=lists,
        desk=desk, timers=timers, route=route,
        inbox=Inbox(session_factory=factory, desk=desk, route=route, now=clock.now),
        outbox=OutboxWorker(session_factory=factory, senders=all_senders, now=clock.now,
                            max_attempts=settings.outbound.max_attempts,
                            max_backoff=timedelta(seconds=settings.outbound.max_backoff_seconds)),
    )


def warm_up(services: Services) -> None:
    """Build the classifier and load jieba's dictionary now, not for the first message.

    Both take about a second; after a restart under load, every message of that second would
    otherwise wait behind it (bench/load.py saw a three-second backlog at 200/s).
    """
    services.desk.classifier().classify("文山路菜场门口有人跨门经营")


def timer_policy(settings: Settings, lst: ResponsibilityList) -> TimerPolicy:
    """The configured clocks; an item override naming no item of the list stops the start."""
    unknown = settings.timers.unknown_items({item.code for item in lst.items})
    if unknown:
        raise ConfigError(f"timers.items.{unknown[0]}：清单「{lst.label}」中没有事项编码 "
                          f"{unknown[0]}（编码须加引号，例如 \"020502\"）")
    return settings.timers.policy()


def make_router(settings: Settings) -> Callable[[str], str]:
    """Which channel delivers a chat's messages: per-chat config, else WeCom when it can
    reach the chat (a configured group robot, or the app for an ``@userid``), else the
    default."""
    chats = dict(settings.outbound.chats)
    default = settings.outbound.default_channel
    wecom = settings.wecom

    def route(chat_id: str) -> str:
        return chats.get(chat_id) or wecom_channel_for(wecom, chat_id) or default

    return route


def load_classifier(settings: Settings, learned: Sequence[LearnedExample] = ()) -> Classifier:
    """The classifier for the configured list (``gridbot classify``, ``gridbot eval``)."""
    lists = ListHolder(settings.lists_dir)
    return build_classifier(lists.load(), learned)
