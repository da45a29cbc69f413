"""Creating funds and campaigns, and finding them by code or number."""

from __future__ import annotations

from sqlmodel import Session, select

from dialer.campaigns.models import Campaign, MachineHandling
from dialer.campaigns.policies import CallingPolicy, RetryPolicy
from dialer.contacts.funds import Fund
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.territories import FundKind, Territory, info
from dialer.contacts.themes import THEMES, get_theme
from dialer.core.columns import require_id
from dialer.core.errors import DomainError


class SetupError(DomainError):
    """A fund or campaign cannot be created as asked; the message is French."""


def create_fund(
    session: Session, code: str, name: str, territory: Territory, kind: FundKind | None = None
) -> Fund:
    if session.exec(select(Fund).where(Fund.code == code)).first():
        raise SetupError(f"La caisse {code} existe déjà.")
    details = info(territory)
    fund = Fund(
        code=code,
        name=name,
        kind=(kind or details.fund_kind).value,
        territory=territory.value,
        time_zone=details.time_zone,
    )
    session.add(fund)
    session.flush()
    return fund


def create_campaign(
    session: Session,
    code: str,
    name: str,
    theme_key: str,
    fund: Fund,
    caller_id: str,
    calling_policy: CallingPolicy | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Campaign:
    try:
        theme = get_theme(theme_key)
    except KeyError as error:
        raise SetupError(f"Thème inconnu : {theme_key}. {known_themes()}") from error
    if session.exec(select(Campaign).where(Campaign.code == code)).first():
        raise SetupError(f"La campagne {code} existe déjà.")
    policy = calling_policy or CallingPolicy()
    campaign = Campaign(
        abandon_target=policy.abandon_target,
        wrap_up_seconds=policy.wrap_up_seconds,
        code=code,
        name=name,
        theme=theme.key,
        audience=theme.audience.value,
        fund_id=require_id(fund),
        caller_id=normalise_phone(caller_id).e164,
        calling_policy=policy.model_dump(mode="json"),
        retry_policy=(retry_policy or RetryPolicy()).model_dump(mode="json"),
    )
    session.add(campaign)
    session.flush()
    return campaign


def known_themes() -> str:
    """The list an operator needs after a mistyped theme key."""
    known = ", ".join(f"{key} ({theme.label_fr})" for key, theme in sorted(THEMES.items()))
    return f"Thèmes connus : {known}."


KNOWN_SHOWN = 30  # beyond that the list would bury the message; ``list`` shows them all


def _known(kind: str, codes: list[str], listing: str) -> str:
    if not codes:
        return f"Aucune {kind} n'est encore déclarée."
    shown = ", ".join(codes[:KNOWN_SHOWN])
    more = f" … ({len(codes)} en tout : {listing})" if len(codes) > KNOWN_SHOWN else ""
    return f"{kind.capitalize()}s connues : {shown}{more}."


def find_campaign(session: Session, ref: str) -> Campaign:
    """A campaign by its code, or by its number; a reference naming two campaigns is refused."""
    campaign = session.exec(select(Campaign).where(Campaign.code == ref)).first()
    if ref.isdigit():
        numbered = session.get(Campaign, int(ref))
        if campaign is None:
            campaign = numbered
        elif numbered is not None and numbered.id != campaign.id:
            raise SetupError(
                f"« {ref} » désigne deux campagnes : la campagne de code {ref} et la campagne "
                f"n° {ref} ({numbered.code}). Donnez le code de celle que vous voulez."
            )
    if campaign is None:
        codes = list(session.exec(select(Campaign.code).order_by(Campaign.code)))
        listing = "dialer campaign list"
        raise SetupError(f"Campagne introuvable : {ref}. {_known('campagne', codes, listing)}")
    return campaign


def find_fund(session: Session, code: str) -> Fund:
    fund = session.exec(select(Fund).where(Fund.code == code)).first()
    if fund is None:
        codes = list(session.exec(select(Fund.code).order_by(Fund.code)))
        raise SetupError(
            f"Caisse introuvable : {code}. {_known('caisse', codes, 'dialer fund list')}"
        )
    return fund


def set_desk_options(
    campaign: Campaign, *, manual_dial: bool | None = None, machine: str | None = None
) -> None:
    """Manual dial (default off) and answering-machine handling; SetupError when unknown."""
    if machine is not None:
        try:
            campaign.answering_machine = MachineHandling(machine).value
        except ValueError:
            choices = ", ".join(m.value for m in MachineHandling)
            raise SetupError(
                f"Traitement des répondeurs inconnu : {machine} ({choices})."
            ) from None
    if manual_dial is not None:
        campaign.manual_dial = manual_dial
