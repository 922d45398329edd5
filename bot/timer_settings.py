"""The ``timers:`` section of ``config.yaml``: contract §8 clocks, per urgency and per item.

Every limit is written like a 处置时限 (``15分钟``, ``1工作时``, ``2小时``, ``1工作日``), so a
mistake is reported at start-up with the field that holds it::

    timers:
      reminder_fraction: 0.8          # reminder at 80% of a limit
      triage_assign_limit: 1工作时     # station head must assign a triage (then level 2)
      verification_window: 1工作日     # 办结 without the reporter's answer closes itself
      urgent: {claim_limit: 15分钟, level2_after: 30分钟, level3_after: 2小时}
      normal: {claim_limit: 1工作时, level2_after: 2工作时, level3_after: 1工作日}
      items:                          # one item's own clocks; missing fields keep its urgency's
        "020502": {claim_limit: 10分钟}

Defaults equal the contract, so an absent section changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from dispatcher.lists import TimeLimit, TimeLimitError
from dispatcher.timing import (
    AUTO_CLOSE_AFTER,
    NORMAL_TIMERS,
    TRIAGE_ASSIGN_LIMIT,
    URGENT_TIMERS,
    ItemTimers,
    TimerPolicy,
    UrgencyTimers,
)


def _limit(value: str) -> str:
    try:
        TimeLimit.parse(value)
    except TimeLimitError as err:
        raise ValueError(str(err)) from None
    return value


LimitText = Annotated[str, AfterValidator(_limit)]


def _parse(value: str | None) -> TimeLimit | None:
    return TimeLimit.parse(value) if value is not None else None


class UrgencyTimerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    claim_limit: LimitText
    level2_after: LimitText  # counted from the limit (level 1)
    level3_after: LimitText

    @classmethod
    def of(cls, timers: UrgencyTimers) -> UrgencyTimerSettings:
        return cls(claim_limit=str(timers.claim_limit), level2_after=str(timers.level2_after),
                   level3_after=str(timers.level3_after))

    def timers(self) -> UrgencyTimers:
        return UrgencyTimers(claim_limit=TimeLimit.parse(self.claim_limit),
                             level2_after=TimeLimit.parse(self.level2_after),
                             level3_after=TimeLimit.parse(self.level3_after))


class ItemTimerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    claim_limit: LimitText | None = None
    level2_after: LimitText | None = None
    level3_after: LimitText | None = None

    def timers(self) -> ItemTimers:
        return ItemTimers(claim_limit=_parse(self.claim_limit),
                          level2_after=_parse(self.level2_after),
                          level3_after=_parse(self.level3_after))


class TimerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reminder_fraction: float = Field(default=0.8, gt=0, lt=1)
    triage_assign_limit: LimitText = str(TRIAGE_ASSIGN_LIMIT)
    verification_window: LimitText = str(AUTO_CLOSE_AFTER)
    urgent: UrgencyTimerSettings = UrgencyTimerSettings.of(URGENT_TIMERS)
    normal: UrgencyTimerSettings = UrgencyTimerSettings.of(NORMAL_TIMERS)
    items: dict[str, ItemTimerSettings] = Field(default_factory=dict)

    @field_validator("items", mode="before")
    @classmethod
    def _codes_are_quoted(cls, value: Any) -> Any:
        # YAML reads an unquoted 020405 as the octal number 8453: refuse it rather than guess.
        if isinstance(value, dict):
            numbers = [key for key in value if not isinstance(key, str)]
            if numbers:
                raise ValueError("条目编码必须加引号，例如 \"020405\"（YAML 会把不带引号的编码"
                                 f"读成数字：{numbers[0]}）")
        return value

    def policy(self) -> TimerPolicy:
        return TimerPolicy(
            urgent=self.urgent.timers(), normal=self.normal.timers(),
            reminder_fraction=self.reminder_fraction,
            triage_assign_limit=TimeLimit.parse(self.triage_assign_limit),
            auto_close_after=TimeLimit.parse(self.verification_window),
            item_timers={code: own.timers() for code, own in self.items.items()})

    def unknown_items(self, known: Collection[str]) -> list[str]:
        """``timers.items`` codes the responsibility list does not have (typos, old codes)."""
        return sorted(code for code in self.items if code not in known)
