"""Who may log in to the dashboard (``dashboard.users`` in config.yaml) and what each may see."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

_ID = r"^[A-Za-z0-9_.\-]+$"


class DashboardRole(StrEnum):
    STREET = "street"  # the street office: every community, every department
    STATION_HEAD = "station_head"  # one community
    DEPARTMENT = "department"  # one department's tickets


class DashboardUser(BaseModel):
    username: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    role: DashboardRole
    community: str | None = Field(default=None, pattern=_ID)
    department: str | None = Field(default=None, pattern=_ID)
    password_hash: str = Field(min_length=1)  # `gridbot dashboard hash-password`

    @model_validator(mode="after")
    def _scope_matches_role(self) -> DashboardUser:
        if self.role is DashboardRole.STATION_HEAD and not self.community:
            raise ValueError(f"站长「{self.username}」必须配置 community")
        if self.role is DashboardRole.DEPARTMENT and not self.department:
            raise ValueError(f"部门用户「{self.username}」必须配置 department")
        return self


class DashboardSettings(BaseModel):
    users: list[DashboardUser] = Field(default_factory=list)
    session_secret_env: str = "GRIDBOT_SESSION_SECRET"
    session_max_age_seconds: int = Field(default=12 * 3600, gt=0)
    max_failed_logins: int = Field(default=5, ge=1)  # then the account waits (doubling)
    lockout_seconds: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _unique_usernames(self) -> DashboardSettings:
        seen: set[str] = set()
        for user in self.users:
            if user.username in seen:
                raise ValueError(f"看板用户名「{user.username}」重复")
            seen.add(user.username)
        return self

    def user(self, username: str) -> DashboardUser | None:
        return next((u for u in self.users if u.username == username), None)
