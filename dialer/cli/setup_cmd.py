"""``dialer fund add``, ``dialer campaign add``, ``dialer user add|disable``."""

from __future__ import annotations

import sys

import typer

from dialer.campaigns.setup import SetupError, create_campaign, create_fund, find_fund
from dialer.cli.context import console, fail, runtime
from dialer.contacts.territories import Territory
from dialer.core.db import session_scope
from dialer.core.errors import DomainError

fund_app = typer.Typer(help="Caisses commanditaires.", no_args_is_help=True)
campaign_app = typer.Typer(help="Campagnes.", no_args_is_help=True)


@fund_app.command("add")
def add_fund(code: str, name: str, territory: Territory = Territory.METRO) -> None:
    """Déclare une caisse (CPAM, CGSS ou CSS selon le territoire)."""
    try:
        with session_scope(runtime().engine) as session:
            fund = create_fund(session, code, name, territory)
            console.print(f"Caisse {fund.code} créée ({fund.kind}, {fund.time_zone}).")
    except SetupError as error:
        raise fail(str(error)) from error


@campaign_app.command("add")
def add_campaign(code: str, name: str, theme: str, fund: str, caller_id: str) -> None:
    """Crée une campagne d'un thème pour une caisse."""
    try:
        with session_scope(runtime().engine) as session:
            owner = find_fund(session, fund)
            campaign = create_campaign(session, code, name, theme, owner, caller_id)
            console.print(f"Campagne {campaign.code} créée (n° {campaign.id}).")
    except DomainError as error:
        raise fail(str(error)) from error


@campaign_app.command("desk")
def desk_options(
    campaign: str,
    appel_manuel: bool | None = typer.Option(
        None, "--appel-manuel/--sans-appel-manuel",
        help="les agents peuvent chercher une personne de la campagne et l'appeler",
    ),
    repondeur: str | None = typer.Option(
        None, help="off (pas de détection), hangup (raccrocher) ou message (message neutre)"
    ),
) -> None:  # fmt: skip
    """Options du poste agent d'une campagne : appel manuel, répondeurs."""
    from dialer.campaigns.setup import MACHINE_HANDLING_FR, find_campaign, set_desk_options

    try:
        with session_scope(runtime().engine) as session:
            found = find_campaign(session, campaign)
            set_desk_options(found, manual_dial=appel_manuel, machine=repondeur)
            session.add(found)
            manual = "autorisé" if found.manual_dial else "non autorisé"
            machine = MACHINE_HANDLING_FR.get(found.answering_machine, found.answering_machine)
            console.print(f"Campagne {found.code} : appel manuel {manual}, {machine}.")
    except DomainError as error:
        raise fail(str(error)) from error


user_app = typer.Typer(help="Comptes des personnes qui se connectent.", no_args_is_help=True)


@user_app.command("add")
def add_user(
    username: str,
    full_name: str,
    role: str = typer.Option(..., help="agent, manager, dpo ou admin"),
    poste: str = typer.Option(
        "", help="agents : poste téléphonique tel que le PBX le connaît (ex. 901, ou PJSIP/901)"
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="lit le mot de passe sur l'entrée standard (scripts)"
    ),
) -> None:
    """Crée un compte ; le mot de passe est demandé sans être affiché, jamais en argument."""
    from dialer.accounts.users import AccountError, create_user

    password = _password(password_stdin)
    try:
        with session_scope(runtime().engine) as session:
            user = create_user(session, username, full_name, role, password, poste or None)
            phone = f", poste {user.phone_endpoint}" if user.phone_endpoint else ""
            console.print(f"Compte {user.username} créé ({user.role}{phone}).")
    except AccountError as error:
        raise fail(str(error)) from error


def _password(from_stdin: bool) -> str:
    # Never an argument: it would sit in the shell history and in every process listing.
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    answer: str = typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    return answer


@user_app.command("edit")
def edit_user(
    username: str,
    poste: str = typer.Option(
        ..., help="poste téléphonique (ex. 901, ou PJSIP/901) ; chaîne vide pour l'enlever"
    ),
) -> None:
    """Change le poste téléphonique d'un compte d'agent."""
    from dialer.accounts.phones import PhoneEndpointError, set_phone_endpoint
    from dialer.accounts.users import find_user

    with session_scope(runtime().engine) as session:
        user = find_user(session, username)
        if user is None:
            raise fail(f"Compte inconnu : {username}.")
        try:
            set_phone_endpoint(session, user, poste)
        except PhoneEndpointError as error:
            raise fail(str(error)) from error
        shown = user.phone_endpoint or "aucun"
        console.print(f"Compte {user.username} : poste {shown}.")


@user_app.command("disable")
def disable(username: str) -> None:
    """Désactive un compte : il ne peut plus se connecter, ses sessions ouvertes prennent fin."""
    from dialer.accounts.users import disable_user, find_user

    with session_scope(runtime().engine) as session:
        user = find_user(session, username)
        if user is None:
            raise fail(f"Compte inconnu : {username}.")
        disable_user(session, user)
        console.print(f"Compte {user.username} désactivé ; ses sessions ouvertes sont fermées.")
