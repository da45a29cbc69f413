"""``dialer fund add|list|show``, ``dialer campaign add|list|show|edit``, ``dialer user …``."""

from __future__ import annotations

import sys

import phonenumbers
import typer
from rich import box
from rich.table import Table
from sqlmodel import Session, col, func, select

from dialer.accounts.roles import ROLE_LABELS_FR
from dialer.campaigns.editing import edit_campaign
from dialer.campaigns.models import Campaign
from dialer.campaigns.setup import (
    KNOWN_SHOWN,
    SetupError,
    create_campaign,
    create_fund,
    find_campaign,
    find_fund,
)
from dialer.campaigns.waves import (
    COHORT_FR,
    STATUS_FR,
    Cohort,
    WaveStatus,
    campaign_waves,
    wave_numbers,
)
from dialer.campaigns.waves.times import paris_text
from dialer.cli.context import console, fail, runtime
from dialer.contacts.funds import Fund, FundToken
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.territories import Territory, info
from dialer.contacts.themes import THEMES
from dialer.core.columns import require_id
from dialer.core.db import session_scope
from dialer.core.errors import DomainError
from dialer.core.french import number_fr
from dialer.wording import Kind, choices, label

# The values typed, each beside the name the pages give it (and every one of them, so
# the help never lags behind ``Role`` or ``Territory``).
TERRITORY_HELP_FR = "territoire de la caisse, par défaut " + ", ".join(
    f"{code} ({name})" for code, name in choices(Kind.TERRITORY).items()
)
ROLE_HELP_FR = ", ".join(f"{role.value} ({text})" for role, text in ROLE_LABELS_FR.items())

fund_app = typer.Typer(help="Caisses commanditaires.", no_args_is_help=True)
campaign_app = typer.Typer(help="Campagnes.", no_args_is_help=True)


@fund_app.command("add")
def add_fund(
    code: str = typer.Argument(..., help="code court, ex. CPAM13"),
    name: str = typer.Argument(..., help="nom affiché, ex. « CPAM des Bouches-du-Rhône »"),
    territory: Territory = typer.Option(
        Territory.METRO, metavar="<territoire>", show_default=False, help=TERRITORY_HELP_FR
    ),
) -> None:
    """Déclare une caisse (CPAM, CGSS ou CSS selon le territoire)."""
    try:
        with session_scope(runtime().engine) as session:
            fund = create_fund(session, code, name, territory)
            console.print(f"Caisse {fund.code} créée ({fund.kind}, {fund.time_zone}).")
    except SetupError as error:
        raise fail(str(error)) from error


def _table(*headings: str) -> Table:
    # Framed on a terminal; plain aligned text in a pipe, for grep and cut.
    terminal = console.is_terminal
    table = Table(box=box.SIMPLE_HEAD if terminal else None, pad_edge=False)
    table.title_style = ""
    for heading in headings:
        table.add_column(heading, overflow="fold")
    return table


def _territory(code: str) -> str:
    try:
        return info(Territory(code)).label
    except ValueError:
        return code


def _phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


@fund_app.command("list")
def list_funds() -> None:
    """Liste les caisses, avec leur territoire et leur nombre de campagnes."""
    with Session(runtime().engine) as session:
        funds = session.exec(select(Fund).order_by(Fund.code)).all()
        counts = dict(
            session.exec(
                select(Campaign.fund_id, func.count()).group_by(col(Campaign.fund_id))
            ).all()
        )
    if not funds:
        console.print("Aucune caisse : dialer fund add CODE NOM --territory metro.")
        return
    table = _table("Code", "Nom", "Territoire", "Campagnes")
    for fund in funds:
        table.add_row(
            fund.code,
            fund.name,
            _territory(fund.territory),
            number_fr(counts.get(require_id(fund), 0)),
        )
    console.print(table)


@fund_app.command("show")
def show_fund(code: str = typer.Argument(..., help="code de la caisse")) -> None:
    """Montre une caisse : territoire, fuseau, envoi des résultats, campagnes."""
    try:
        with Session(runtime().engine) as session:
            fund = find_fund(session, code)
            campaigns = session.exec(
                select(Campaign).where(Campaign.fund_id == fund.id).order_by(Campaign.code)
            ).all()
            tokens = session.exec(
                select(func.count()).where(
                    FundToken.fund_id == fund.id, col(FundToken.revoked_at).is_(None)
                )
            ).one()
    except SetupError as error:
        raise fail(str(error)) from error
    console.print(f"Caisse {fund.code} : {fund.name}", markup=False)
    console.print(f"  Type : {fund.kind}")
    console.print(f"  Territoire : {_territory(fund.territory)} (fuseau {fund.time_zone})")
    console.print(f"  Envoi des résultats (webhook) : {fund.webhook_url or 'aucun'}", markup=False)
    console.print(f"  Jetons d'API actifs : {number_fr(int(tokens))}")
    if not campaigns:
        console.print("  Aucune campagne.")
        return
    console.print("  Campagnes :")
    for campaign in campaigns:
        status = label(Kind.CAMPAIGN_STATUS, campaign.status)
        console.print(f"    {campaign.code} : {campaign.name} ({status.lower()})", markup=False)


@campaign_app.command("list")
def list_campaigns(
    fund: str = typer.Option("", "--fund", help="seulement les campagnes de cette caisse"),
) -> None:
    """Liste les campagnes : caisse, thème, état."""
    try:
        with Session(runtime().engine) as session:
            query = select(Campaign, Fund).join(Fund, col(Fund.id) == col(Campaign.fund_id))
            if fund:
                query = query.where(Campaign.fund_id == find_fund(session, fund).id)
            rows = session.exec(query.order_by(Campaign.code)).all()
    except SetupError as error:
        raise fail(str(error)) from error
    if not rows:
        console.print("Aucune campagne.")
        return
    table = _table("Code", "Nom", "Caisse", "Thème", "État")
    for campaign, owner in rows:
        theme = THEMES.get(campaign.theme)
        table.add_row(
            campaign.code, campaign.name, owner.code, theme.label_fr if theme else campaign.theme,
            label(Kind.CAMPAIGN_STATUS, campaign.status),
        )  # fmt: skip
    console.print(table)


@campaign_app.command("show")
def show_campaign(
    campaign: str = typer.Argument(..., help="code ou numéro de la campagne"),
) -> None:
    """Montre une campagne : caisse, thème, numéro présenté, contacts et vagues."""
    try:
        with Session(runtime().engine) as session:
            found = find_campaign(session, campaign)
            owner = session.get(Fund, found.fund_id)
            contacts = session.exec(
                select(func.count()).where(CampaignContact.campaign_id == found.id)
            ).one()
            waves = campaign_waves(session, require_id(found))
            numbers = wave_numbers(session, require_id(found))
    except SetupError as error:
        raise fail(str(error)) from error
    theme = THEMES.get(found.theme)
    status = label(Kind.CAMPAIGN_STATUS, found.status)
    console.print(f"Campagne {found.code} (n° {found.id}) : {found.name}", markup=False)
    console.print(f"  État : {status}")
    console.print(f"  Thème : {theme.label_fr if theme else found.theme}", markup=False)
    if owner is not None:
        console.print(f"  Caisse : {owner.code} ({owner.name})", markup=False)
    console.print(f"  Numéro présenté : {_phone(found.caller_id)}")
    console.print(f"  Contacts importés : {number_fr(int(contacts))}")
    if not waves:
        console.print("  Aucune vague.")
        return
    console.print("  Vagues (heures de Paris) :")
    for progress in waves:
        wave = progress.wave
        cohort = f"{COHORT_FR[Cohort(wave.cohort)].lower()} ({number_fr(progress.cohort_size)})"
        console.print(
            f"    {numbers[require_id(wave)]}. {wave.name} : "
            f"{STATUS_FR[WaveStatus(wave.status)].lower()}, "
            f"cohorte : {cohort}, "
            f"du {paris_text(wave.starts_at)} au {paris_text(wave.ends_at)}",
            markup=False,
        )


@campaign_app.command("edit")
def edit(
    campaign: str = typer.Argument(..., help="code ou numéro de la campagne"),
    name: str | None = typer.Option(None, "--name", help="nouveau nom"),
    caller_id: str | None = typer.Option(None, "--caller-id", help="numéro présenté aux personnes"),
    theme: str | None = typer.Option(
        None, "--theme", help="thème (brouillon sans contact seulement)"
    ),
    fund: str | None = typer.Option(
        None, "--fund", help="code de la caisse (brouillon sans contact seulement)"
    ),
) -> None:
    """Modifie une campagne : nom et numéro présenté ; thème et caisse avant ses contacts."""
    if name is None and caller_id is None and theme is None and fund is None:
        raise fail("Rien à modifier : indiquez --name, --caller-id, --theme ou --fund.", code=2)
    try:
        with session_scope(runtime().engine) as session:
            found = find_campaign(session, campaign)
            owner = find_fund(session, fund) if fund is not None else None
            changes = edit_campaign(
                session, found, name=name, caller_id=caller_id, theme=theme, fund=owner
            )
            code = found.code
    except DomainError as error:
        raise fail(str(error)) from error
    if not changes:
        console.print(f"Campagne {code} : rien n'a changé.")
        return
    console.print(f"Campagne {code} modifiée : {' ; '.join(changes)}.", markup=False)


@campaign_app.command("add")
def add_campaign(
    code: str = typer.Argument(..., help="code court, ex. GRIPPE-13"),
    name: str = typer.Argument(..., help="nom affiché"),
    theme: str = typer.Argument(..., help="thème : " + ", ".join(sorted(THEMES))),
    fund: str = typer.Argument(..., help="code de la caisse (voir dialer fund list)"),
    caller_id: str = typer.Argument(..., help="numéro présenté aux personnes, ex. 01 62 00 00 00"),
) -> None:
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
    from dialer.campaigns.setup import find_campaign, set_desk_options

    try:
        with session_scope(runtime().engine) as session:
            found = find_campaign(session, campaign)
            set_desk_options(found, manual_dial=appel_manuel, machine=repondeur)
            session.add(found)
            manual = "autorisé" if found.manual_dial else "non autorisé"
            machine = label(Kind.MACHINE_HANDLING, found.answering_machine)
            console.print(f"Campagne {found.code} : appel manuel {manual}, {machine}.")
    except DomainError as error:
        raise fail(str(error)) from error


user_app = typer.Typer(help="Comptes des personnes qui se connectent.", no_args_is_help=True)


@user_app.command("add")
def add_user(
    username: str,
    full_name: str,
    role: str = typer.Option(..., help=ROLE_HELP_FR),
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


def _unknown_account(session: Session, username: str) -> str:
    from dialer.accounts.models import User

    names = list(session.exec(select(User.username).order_by(User.username)).all())
    shown = ", ".join(names[:KNOWN_SHOWN]) + (" …" if len(names) > KNOWN_SHOWN else "")
    return f"Compte inconnu : {username}. Comptes existants : {shown or 'aucun'}."


def _password(from_stdin: bool) -> str:
    # Never an argument: it would sit in the shell history and in every process listing.
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    answer: str = typer.prompt(
        "Mot de passe", hide_input=True, confirmation_prompt="Le même mot de passe, pour vérifier"
    )
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
            raise fail(_unknown_account(session, username))
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
            raise fail(_unknown_account(session, username))
        disable_user(session, user)
        console.print(f"Compte {user.username} désactivé ; ses sessions ouvertes sont fermées.")
