"""The roles a person signs in with, and their names on screen."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    MANAGER = "manager"  # campaign manager
    SUPERVISOR = "supervisor"  # watches agents, listens to calls of its campaigns
    DPO = "dpo"  # data protection officer
    ADMIN = "admin"


ROLE_LABELS_FR: dict[Role, str] = {
    Role.AGENT: "Agent",
    Role.MANAGER: "Gestionnaire de campagnes",
    Role.SUPERVISOR: "Superviseur",
    Role.DPO: "Délégué à la protection des données",
    Role.ADMIN: "Administrateur",
}


def parse_role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None
