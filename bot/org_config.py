"""Translate the organisation settings into the core's ``Organisation``."""

from __future__ import annotations

from bot.settings import OrganisationSettings
from dispatcher.org import Community, Member, Organisation, Role


def build_organisation(cfg: OrganisationSettings) -> Organisation:
    members: dict[str, Member] = {}

    def add(person_id: str, name: str, role: Role, department: str | None = None,
            mobile: str | None = None) -> None:
        members[person_id] = Member(person_id, name, role, department, mobile)

    add(cfg.street.duty_officer.id, cfg.street.duty_officer.name, Role.DUTY_OFFICER)
    add(cfg.city.duty_officer.id, cfg.city.duty_officer.name, Role.DUTY_OFFICER)
    for liaison in cfg.liaisons:
        add(liaison.id, liaison.name, Role.LIAISON, liaison.department, liaison.mobile)
    communities = []
    chat_members: dict[str, tuple[str, ...]] = {}
    liaison_ids = tuple(liaison.id for liaison in cfg.liaisons)
    for c in cfg.communities:
        add(c.station_head.id, c.station_head.name, Role.STATION_HEAD, mobile=c.station_head.mobile)
        for worker in c.grid_workers:
            add(worker.id, worker.name, Role.GRID_WORKER, mobile=worker.mobile)
        communities.append(Community(c.id, c.name, c.chat_id, c.chat_name, c.station_head.id))
        chat_members[c.chat_id] = (*(w.id for w in c.grid_workers), c.station_head.id,
                                   *liaison_ids)
    chat_members[cfg.street.command_chat] = (cfg.street.duty_officer.id,
                                             *(c.station_head.id for c in cfg.communities))
    chat_members[cfg.city.chat_id] = (cfg.city.duty_officer.id, cfg.street.duty_officer.id)
    return Organisation(
        street_id=cfg.street.id, street_name=cfg.street.name,
        command_chat=cfg.street.command_chat, street_duty=cfg.street.duty_officer.id,
        city_chat=cfg.city.chat_id, city_duty=cfg.city.duty_officer.id,
        communities=tuple(communities), members=members, chat_members=chat_members,
    )
