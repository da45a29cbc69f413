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


def role_label_fr(role: str) -> str:
    """The role's name on screen, for any member of ``Role`` (an unknown value as stored)."""
    known = parse_role(role)
    return ROLE_LABELS_FR.get(known, role) if known is not None else role


def unknown_role_fr() -> str:
    choices = ", ".join(f"« {label} » ({key.value})" for key, label in ROLE_LABELS_FR.items())
    return f"Rôle inconnu : choisissez parmi {choices}."
