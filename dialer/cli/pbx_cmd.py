"""``dialer pbx check`` and ``dialer pbx call NUMBER``: an operator's checks of the PBX."""

from __future__ import annotations

import asyncio

import typer

from dialer.cli.context import console, fail, runtime
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.phones import normalise_phone
from telephony.ami.connection import ConnectionSettings
from telephony.ami.errors import AmiError
from telephony.ami.frames import AgentTemplate, DialTemplate, UnsafeAmiValue
from telephony.operator import check_pbx, place_test_call

pbx_app = typer.Typer(help="Vérifications du PBX (Asterisk) par AMI.", no_args_is_help=True)


def _connection() -> ConnectionSettings:
    settings = runtime().settings
    return ConnectionSettings(
        endpoint=settings.ami,
        action_timeout_s=settings.ami_action_timeout_s,
    )


@pbx_app.command("check")
def check() -> None:
    """Se connecte, s'authentifie, affiche la version du PBX et le nombre de canaux."""
    try:
        report = asyncio.run(check_pbx(_connection()))
    except (AmiError, OSError, TimeoutError) as error:
        raise fail(f"PBX injoignable ou connexion refusée : {error}") from error
    console.print(f"Connexion AMI : OK ({report.round_trip_ms:.1f} ms aller-retour)")
    console.print(f"Version du PBX : {report.version}")
    console.print(f"Canaux en cours : {report.channels}")


@pbx_app.command("call")
def call(
    number: str = typer.Argument(..., help="numéro à appeler (national ou E.164)"),
    caller_id: str = typer.Option("01 62 00 00 00", help="numéro présenté (national ou E.164)"),
    agent: str = typer.Option(
        "",
        help="poste d'agent à relier si la personne décroche (ex. 901, via DIALER_AGENT_TEMPLATE)",
    ),
) -> None:
    """Passe un appel d'essai par le modèle de numérotation et affiche son issue."""
    settings = runtime().settings
    try:
        e164 = normalise_phone(number).e164
    except FieldError as error:
        raise fail(f"numéro refusé : {error}") from error
    try:
        presented = normalise_phone(caller_id).e164
    except FieldError as error:
        raise fail(f"numéro présenté refusé : {error}") from error
    dial = DialTemplate(settings.dial_template)
    try:
        agent_line = AgentTemplate(settings.agent_template).build(agent) if agent else ""
    except UnsafeAmiValue as error:
        raise fail(f"poste d'agent refusé : {error}") from error
    console.print(f"Appel de {e164} par {dial.build(e164)} …")
    try:
        final = asyncio.run(
            place_test_call(
                _connection(), e164, dial, presented, settings.ring_timeout_s, agent_line
            )
        )
    except (AmiError, OSError, TimeoutError) as error:
        raise fail(f"l'appel n'a pas pu être passé : {error}") from error
    console.print(f"Résultat : {final.result}")
    console.print(f"OriginateResponse Reason : {final.reason or '-'}")
    technical = final.tech_cause or "-"
    console.print(f"Cause de raccrochage : {final.cause or '-'} (technique : {technical})")
