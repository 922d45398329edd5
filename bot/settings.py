"""One settings object from ``config.yaml`` + environment, validated at start-up.

Secrets never live in ``config.yaml``: the file names the environment variable that holds each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from bot.calendar_source import CalendarSettings
from bot.channels.wecom.settings import WeComSettings
from bot.dashboard.settings import DashboardSettings
from bot.report_settings import ScorecardSettings
from bot.timer_settings import TimerSettings

_ID = r"^[A-Za-z0-9_.\-]+$"


class PersonSettings(BaseModel):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    mobile: str | None = None


class LiaisonSettings(PersonSettings):
    department: str = Field(pattern=_ID)


class CommunitySettings(BaseModel):
    id: str = Field(pattern=_ID)
    name: str
    chat_id: str = Field(pattern=_ID)
    chat_name: str
    station_head: PersonSettings
    grid_workers: list[PersonSettings] = Field(default_factory=list)


class StreetSettings(BaseModel):
    id: str = Field(pattern=_ID)
    name: str
    command_chat: str = Field(pattern=_ID)
    duty_officer: PersonSettings


class CitySettings(BaseModel):
    chat_id: str = Field(pattern=_ID)
    duty_officer: PersonSettings


class OrganisationSettings(BaseModel):
    street: StreetSettings
    city: CitySettings
    communities: list[CommunitySettings] = Field(min_length=1)
    liaisons: list[LiaisonSettings] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_people(self) -> OrganisationSettings:
        seen: set[str] = set()
        people = [self.street.duty_officer, self.city.duty_officer, *self.liaisons]
        for community in self.communities:
            people += [community.station_head, *community.grid_workers]
        for person in people:
            if person.id in seen:
                raise ValueError(f"人员 id「{person.id}」重复")
            seen.add(person.id)
        return self


class GenericSourceSettings(BaseModel):
    """A bridge posting to ``/channels/generic/{source}``."""

    secret_env: str = "GRIDBOT_GENERIC_SECRET"
    callback_url: str | None = None  # where replies for this bridge's chats are POSTed


class OutboundSettings(BaseModel):
    default_channel: str = "console"
    chats: dict[str, str] = Field(default_factory=dict)  # chat id -> channel
    max_attempts: int = Field(default=12, ge=1)
    # Retries back off 2, 4, 8 … seconds up to this; a failing endpoint is not hammered, and
    # a recovered one is tried again within this long.
    max_backoff_seconds: float = Field(default=600, gt=0)


class Settings(BaseSettings):
    """All configuration. ``load_settings(path)`` binds it to a YAML file."""

    model_config = SettingsConfigDict(env_prefix="GRIDBOT_", env_nested_delimiter="__",
                                      extra="forbid")
    yaml_path: ClassVar[Path | None] = None

    database_url: str = "sqlite:///var/gridbot.db"
    timezone: str = "Asia/Shanghai"
    lists_dir: Path = Path("responsibility_lists/default")
    bot_name: str = "网格派单助手"
    organisation: OrganisationSettings
    generic: dict[str, GenericSourceSettings] = Field(default_factory=dict)
    outbound: OutboundSettings = Field(default_factory=OutboundSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    timers: TimerSettings = Field(default_factory=TimerSettings)
    wecom: WeComSettings = Field(default_factory=WeComSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    console_enabled: bool = True
    sweep_interval_seconds: float = Field(default=15.0, gt=0)
    # chats whose messages are decided side by side, each chat in order; more than 1 pays
    # only with a database across a network (bot/workers.py says why)
    inbox_parallel_chats: int = Field(default=1, ge=1, le=16)
    max_body_bytes: int = Field(default=65536, gt=0)
    signature_skew_seconds: int = Field(default=300, gt=0)
    # where the dashboard is reached from a phone; digests link to it
    public_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://")
    scorecard: ScorecardSettings = Field(default_factory=ScorecardSettings)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"未知时区「{value}」") from err
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.yaml_path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=cls.yaml_path,
                                                    yaml_file_encoding="utf-8"))
        return tuple(sources)


class ConfigError(Exception):
    """Configuration that cannot start the service; the message names file and field."""


def load_settings(path: Path | str = "config.yaml", **overrides: Any) -> Settings:
    """Read and validate ``path`` + environment; raise ``ConfigError`` naming each bad field."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"找不到配置文件 {path}")
    bound = type("BoundSettings", (Settings,), {"yaml_path": path})
    try:
        settings: Settings = bound(**overrides)
    except ValidationError as err:
        raise ConfigError(describe_errors(path, err)) from None
    if not settings.lists_dir.is_absolute():  # relative to the config file, not the cwd
        settings.lists_dir = (path.resolve().parent / settings.lists_dir)
    return settings


def describe_errors(path: Path, err: ValidationError) -> str:
    lines = []
    for error in err.errors():
        where = ".".join(str(part) for part in error["loc"])
        lines.append(f"{path}: {where}: {error['msg']}")
    return "\n".join(lines)
