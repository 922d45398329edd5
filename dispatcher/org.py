"""The organisation the bot serves: communities, chats, people and their roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Role(StrEnum):
    GRID_WORKER = "grid_worker"
    STATION_HEAD = "station_head"
    LIAISON = "liaison"
    DUTY_OFFICER = "duty_officer"


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    role: Role
    department: str | None = None  # set for liaisons
    mobile: str | None = None


@dataclass(frozen=True, slots=True)
class Community:
    id: str
    name: str
    chat_id: str
    chat_name: str
    station_head: str  # member id


@dataclass(frozen=True)
class Organisation:
    street_id: str
    street_name: str
    command_chat: str
    street_duty: str
    city_chat: str
    city_duty: str
    communities: tuple[Community, ...]
    members: Mapping[str, Member]
    # member ids per chat id (who sits in which chat), used by the console and for checks
    chat_members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def member(self, member_id: str) -> Member | None:
        return self.members.get(member_id)

    def community_of_chat(self, chat_id: str) -> Community | None:
        return next((c for c in self.communities if c.chat_id == chat_id), None)

    def community(self, community_id: str) -> Community | None:
        return next((c for c in self.communities if c.id == community_id), None)

    def liaisons_of(self, department: str) -> tuple[str, ...]:
        return self._liaisons.get(department, ())

    @cached_property
    def _liaisons(self) -> dict[str, tuple[str, ...]]:
        """Liaison ids per department, in member order (a sweep asks once per timer)."""
        index: dict[str, list[str]] = {}
        for m in self.members.values():
            if m.role is Role.LIAISON and m.department is not None:
                index.setdefault(m.department, []).append(m.id)
        return {department: tuple(ids) for department, ids in index.items()}

    def is_station_head(self, member_id: str, community: Community | None) -> bool:
        if community is None:
            return any(c.station_head == member_id for c in self.communities)
        return community.station_head == member_id

    def department_of(self, member_id: str) -> str | None:
        member = self.members.get(member_id)
        return member.department if member and member.role is Role.LIAISON else None

    def display_name(self, member_id: str) -> str:
        member = self.members.get(member_id)
        return member.name if member else member_id
