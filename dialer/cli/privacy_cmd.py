"""``dialer audit``, ``dialer keys``, ``dialer retention`` and ``dialer rights``: the DPO's tools.

A NIR given as ``-`` is read from standard input, so it stays out of the shell
history. Every command that reads personal data or the trail leaves a trace.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from sqlmodel import Session

from dialer.campaigns.waves.times import CENTRE_TIME_ZONE
from dialer.cli.context import console, fail, runtime
from dialer.cli.trail_cmd import audit_checkpoint, audit_export_checkpoints
from dialer.compliance.privacy.access_letter import access_report_text_fr
from dialer.compliance.privacy.access_report import access_report
from dialer.compliance.privacy.anchor import check_against_database
from dialer.compliance.privacy.chain import chain_head, verify_chain
from dialer.compliance.privacy.reading import Reader, TrailQuery, export_csv
from dialer.compliance.privacy.retention import plan_purge, run_purge
from dialer.compliance.privacy.rights import (
    RightsError,
    find_person_by_nir,
    lift_limitation,
    limit,
    rectify,
    refuse_outbound_calls,
)  # fmt: skip
from dialer.compliance.privacy.rotation import rotate_keys
from dialer.compliance.privacy.trail import Requester, TrailAction, TrailError, record_access
from dialer.core.columns import utcnow
from dialer.core.crypto import CipherError
from dialer.core.db import session_scope
from dialer.core.files import write_private_text
from dialer.wording import Kind, label

audit_app = typer.Typer(help="Traçabilité des accès aux données.", no_args_is_help=True)
keys_app = typer.Typer(help="Clés de chiffrement des données secrètes.", no_args_is_help=True)
retention_app = typer.Typer(help="Durées de conservation et purge.", no_args_is_help=True)
rights_app = typer.Typer(help="Exercice des droits des personnes.", no_args_is_help=True)
audit_app.command("checkpoint")(audit_checkpoint)
audit_app.command("export-checkpoints")(audit_export_checkpoints)

ROLE = "dpo"
ActorOption = typer.Option(None, help="auteur tracé (défaut : l'utilisateur du système)")
ReasonOption = typer.Option(..., help="motif tracé : référence du courrier de la personne")


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@audit_app.command("verify")
def audit_verify(actor: str | None = ActorOption) -> None:
    """Vérifie la chaîne d'empreintes et les points de contrôle scellés ; code 1 si rompue."""
    rt = runtime()
    checkpoints = rt.settings.trail_checkpoint_file
    with session_scope(rt.engine) as session:
        head = chain_head(session)
        breaks = [found.message for found in verify_chain(session)]
        breaks += check_against_database(session, rt.cipher.ring, checkpoints)
        detail = f"vérification de la chaîne : {len(breaks)} rupture(s)"
        record_access(
            session, actor=_actor(actor), actor_role=ROLE, action=TrailAction.TRAIL_READ,
            person_id=None, fields=[], detail=detail,
        )  # fmt: skip
    console.print(f"{head.count} entrées ; dernière empreinte : {head.last_hash}")
    if not checkpoints.exists():
        console.print(f"[yellow]Aucun point de contrôle ({checkpoints}) : ni troncature ni "
                      "remplacement de la chaîne ne peuvent être détectés.[/]")  # fmt: skip
    if not breaks:
        console.print("[green]Chaîne intacte.[/]")
        return
    for message in breaks:
        console.print(f"[red]{message}[/]", soft_wrap=True)
    raise typer.Exit(1)


ACTION_HELP_FR = "type d'accès, ex. " + ", ".join(
    f"{code} ({label(Kind.TRAIL_ACTION, code)})" for code in ("screen_pop", "search", "export")
)


def _stored(moment: datetime | None) -> datetime | None:
    """A time typed on the centre's clock (Paris), as the trail stores it: naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=CENTRE_TIME_ZONE).astimezone(UTC).replace(tzinfo=None)


@audit_app.command("export")
def audit_export(
    output: Path | None = typer.Option(None, help="fichier CSV (défaut : sortie standard)"),
    person: int | None = typer.Option(None, help="numéro de la personne"),
    by: str | None = typer.Option(None, "--by", help="auteur des accès"),
    action: str | None = typer.Option(None, help=ACTION_HELP_FR),
    since: datetime | None = typer.Option(None, help="depuis (heure de Paris, AAAA-MM-JJ)"),
    until: datetime | None = typer.Option(None, help="jusqu'à (heure de Paris, exclu)"),
    limit_rows: int = typer.Option(100_000, "--limit", min=1, help="nombre maximal d'entrées"),
    actor: str | None = ActorOption,
) -> None:
    """Exporte la traçabilité en CSV (l'export est lui-même tracé)."""
    known_actions = [choice.value for choice in TrailAction]
    if action is not None and action not in known_actions:
        raise fail(f"Type d'accès inconnu : {action}. Types connus : {', '.join(known_actions)}.")
    query = TrailQuery(person, by, action, _stored(since), _stored(until), limit_rows)
    try:
        with session_scope(runtime().engine) as session:
            text = export_csv(session, query, Reader(_actor(actor), ROLE))
    except TrailError as error:
        raise fail(str(error)) from error
    if output is None:
        sys.stdout.write(text)
        return
    write_private_text(output, text)
    console.print(f"Export écrit : {output}")


@keys_app.command("rotate")
def keys_rotate(
    batch_size: int = typer.Option(500, help="valeurs re-chiffrées par transaction"),
) -> None:
    """Nouvelle clé active, re-chiffrement de tout, retrait des anciennes clés (reprenable)."""
    rt = runtime()
    if rt.settings.data_key is not None:
        raise fail(
            "les clés viennent de DIALER_DATA_KEY : la rotation ne peut pas réécrire ce secret. "
            "Utilisez un fichier de clés (DIALER_DATA_KEY_FILE) ou faites la rotation "
            "dans le coffre à secrets."
        )
    try:
        report = rotate_keys(rt.engine, rt.settings.data_key_file, batch_size)
    except (CipherError, OSError) as error:
        raise fail(f"rotation impossible : {error}") from error
    console.print(report.text_fr())
    console.print("Redémarrez le service pour qu'il charge la nouvelle clé.")


@retention_app.command("report")
def retention_report() -> None:
    """Affiche ce que la prochaine purge supprimera (des nombres, aucune donnée personnelle)."""
    with Session(runtime().engine) as session:
        console.print(plan_purge(session, utcnow()).text_fr())


@retention_app.command("purge")
def retention_purge(actor: str | None = ActorOption) -> None:
    """Applique les durées de conservation maintenant (aussi fait chaque nuit par le service)."""
    report = run_purge(runtime().engine, utcnow(), actor=_actor(actor))
    console.print(report.text_fr())


def _read_nir(nir: str) -> str:
    return sys.stdin.readline().strip() if nir == "-" else nir


def _person_id(session: Session, nir: str) -> int:
    person = find_person_by_nir(session, runtime().cipher, _read_nir(nir))
    if person is None or person.id is None:
        raise RightsError("Aucune personne n'a ce NIR.")
    return person.id


NirArgument = typer.Argument(..., help="NIR de la personne, ou - pour le lire sur l'entrée")


@rights_app.command("access")
def rights_access(
    nir: str = NirArgument,
    output: Path | None = typer.Option(None, help="fichier du courrier (défaut : affichage)"),
    json_output: Path | None = typer.Option(None, "--json", help="rapport complet en JSON"),
    actor: str | None = ActorOption,
) -> None:
    """Droit d'accès : tout ce qui est conservé sur la personne, en français."""
    try:
        with session_scope(runtime().engine) as session:
            person_id = _person_id(session, nir)
            delivery = "écrit dans un fichier" if output or json_output else ""
            who = Requester(_actor(actor))
            report = access_report(session, runtime().cipher, person_id, who, delivery)
    except RightsError as error:
        raise fail(str(error)) from error
    letter = access_report_text_fr(report)
    if json_output is not None:
        write_private_text(json_output, json.dumps(report, ensure_ascii=False, indent=2))
    if output is None:
        console.print(letter, markup=False, highlight=False)
    else:
        write_private_text(output, letter)
        console.print(f"Courrier écrit : {output}")


@rights_app.command("rectify")
def rights_rectify(
    nir: str = NirArgument,
    changes: list[str] = typer.Argument(..., help="CHAMP=VALEUR, ex. phone='06 12 34 56 78'"),
    reason: str = ReasonOption,
    actor: str | None = ActorOption,
) -> None:
    """Rectifie des coordonnées (validées comme à l'import) et prévient les caisses."""
    pairs = dict(change.split("=", 1) for change in changes if "=" in change)
    if len(pairs) != len(changes):
        raise fail("chaque modification s'écrit CHAMP=VALEUR.")
    try:
        with session_scope(runtime().engine) as session:
            changed = rectify(session, _person_id(session, nir), pairs, _actor(actor), reason)
    except RightsError as error:
        raise fail(str(error)) from error
    console.print(f"Champs rectifiés : {', '.join(changed) or 'aucun (valeurs identiques)'}.")


@rights_app.command("limit")
def rights_limit(
    nir: str = NirArgument, reason: str = ReasonOption, actor: str | None = ActorOption
) -> None:
    """Limite le traitement : la personne n'est plus appelée tant qu'il dure."""
    try:
        with session_scope(runtime().engine) as session:
            changed = limit(session, _person_id(session, nir), _actor(actor), reason)
    except RightsError as error:
        raise fail(str(error)) from error
    console.print("Traitement limité." if changed else "Le traitement était déjà limité.")


@rights_app.command("unlimit")
def rights_unlimit(
    nir: str = NirArgument, reason: str = ReasonOption, actor: str | None = ActorOption
) -> None:
    """Lève la limitation du traitement."""
    try:
        with session_scope(runtime().engine) as session:
            changed = lift_limitation(session, _person_id(session, nir), _actor(actor), reason)
    except RightsError as error:
        raise fail(str(error)) from error
    console.print("Limitation levée." if changed else "Aucune limitation en cours.")


@rights_app.command("refuse-calls")
def rights_refuse_calls(
    nir: str = NirArgument,
    reason: str = typer.Option("", help="motif tracé (facultatif)"),
    actor: str | None = ActorOption,
) -> None:
    """Enregistre le refus d'être appelé : plus aucun appel sortant."""
    try:
        with session_scope(runtime().engine) as session:
            entry = refuse_outbound_calls(session, _person_id(session, nir), _actor(actor), reason)
    except RightsError as error:
        raise fail(str(error)) from error
    if entry is None:
        console.print("Le refus des appels sortants était déjà enregistré : rien n'a changé.")
        return
    console.print("Refus des appels sortants enregistré ; les caisses en sont informées.")
