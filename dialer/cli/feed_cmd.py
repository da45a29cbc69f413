"""``dialer feed``: a fund's API tokens, webhook and stalled push stream."""

from __future__ import annotations

import typer

from dialer.campaigns.setup import SetupError, find_fund
from dialer.cli.context import console, fail, runtime
from dialer.compliance.feed.delivery import redeliver, stalled_feeds
from dialer.compliance.feed.tokens import create_token, list_tokens, revoke_token
from dialer.compliance.feed.webhooks import set_webhook
from dialer.core.columns import require_id
from dialer.core.db import session_scope
from dialer.core.errors import DomainError

feed_app = typer.Typer(help="Flux de résultats vers les caisses.", no_args_is_help=True)


@feed_app.command("token")
def new_token(fund: str, label: str = typer.Option("", help="à quoi sert ce jeton")) -> None:
    """Crée un jeton d'API pour la caisse (affiché une seule fois)."""
    try:
        with session_scope(runtime().engine) as session:
            owner = find_fund(session, fund)
            token = create_token(session, require_id(owner), label)
    except SetupError as error:
        raise fail(str(error)) from error
    console.print("Jeton (à transmettre à la caisse, il ne sera plus affiché) :")
    console.print(token, markup=False, highlight=False)


@feed_app.command("tokens")
def show_tokens(fund: str) -> None:
    """Liste les jetons de la caisse (jamais leur valeur)."""
    try:
        with session_scope(runtime().engine) as session:
            tokens = list_tokens(session, require_id(find_fund(session, fund)))
    except SetupError as error:
        raise fail(str(error)) from error
    for token in tokens:
        state = f"révoqué le {token.revoked_at:%d/%m/%Y}" if token.revoked_at else "actif"
        console.print(
            f"n° {token.id}  {token.label or '-'}  créé le {token.created_at:%d/%m/%Y}  {state}",
            markup=False,
        )
    if not tokens:
        console.print(f"Aucun jeton pour la caisse {fund} : dialer feed token {fund}.")


@feed_app.command("revoke")
def revoke(fund: str, token_id: int) -> None:
    """Révoque un jeton de la caisse."""
    try:
        with session_scope(runtime().engine) as session:
            owner = find_fund(session, fund)
            if not revoke_token(session, token_id, fund_id=owner.id):
                active = [
                    str(t.id) for t in list_tokens(session, require_id(owner)) if not t.revoked_at
                ]
                known = ", ".join(active) if active else "aucun"
                raise SetupError(
                    f"Jeton {token_id} introuvable pour la caisse {fund}. "
                    f"Jetons actifs de la caisse : {known}."
                )
    except SetupError as error:
        raise fail(str(error)) from error
    console.print(f"Jeton {token_id} révoqué.")


@feed_app.command("webhook")
def webhook(fund: str, url: str = typer.Argument(..., help="adresse HTTPS, ou « aucun »")) -> None:
    """Définit (ou retire) l'adresse où pousser les résultats ; affiche le secret de signature."""
    rt = runtime()
    try:
        with session_scope(rt.engine) as session:
            owner = find_fund(session, fund)
            secret = set_webhook(
                session, rt.cipher, require_id(owner), None if url == "aucun" else url
            )
    except DomainError as error:
        raise fail(str(error)) from error
    if secret is None:
        console.print("Webhook retiré.")
        return
    console.print("Secret de signature (à transmettre à la caisse, il ne sera plus affiché) :")
    console.print(secret, markup=False, highlight=False)


@feed_app.command("stalled")
def stalled() -> None:
    """Liste les flux bloqués après trop d'échecs de livraison."""
    with session_scope(runtime().engine) as session:
        feeds = stalled_feeds(session)
        for feed in feeds:
            console.print(
                f"caisse n° {feed.fund_id} : livré jusqu'à {feed.pushed_seq}, {feed.last_error}"
            )
        if not feeds:
            console.print("Aucun flux bloqué.")


@feed_app.command("redeliver")
def redeliver_feed(fund: str, from_seq: int | None = typer.Option(None, "--from")) -> None:
    """Relance la livraison d'un flux bloqué (éventuellement depuis un numéro)."""
    try:
        with session_scope(runtime().engine) as session:
            feed = redeliver(session, require_id(find_fund(session, fund)), from_seq)
            console.print(f"Livraison relancée à partir de {feed.pushed_seq + 1}.")
    except DomainError as error:
        raise fail(str(error)) from error
