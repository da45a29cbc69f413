"""``dialer serve`` (the whole service) and ``dialer sim-pbx`` (the simulator alone)."""

from __future__ import annotations

import asyncio
import socket

import typer
import uvicorn

from dialer.cli.context import console, runtime
from dialer.cli.prestart_cmd import prestart, settings_fit_to_serve
from dialer.demo.seed import DEMO_LOGINS


def serve(
    host: str | None = typer.Option(None, help="adresse d'écoute (défaut : DIALER_HOST)"),
    port: int | None = typer.Option(None, help="port d'écoute (défaut : DIALER_PORT)"),
    with_prestart: bool = typer.Option(
        True, "--prestart/--no-prestart", help="faire d'abord le travail de dialer prestart"
    ),
) -> None:
    """Démarre le service complet (pages, API, numéroteur, simulateur si embarqué)."""
    settings = settings_fit_to_serve()
    if with_prestart:
        prestart()
    config = uvicorn.Config(
        "web.main:create_service_app",
        factory=True,
        host=host or settings.host,
        port=settings.port if port is None else port,
        log_level="info",
    )
    server = _AnnouncingServer(config, demo=settings.demo_data)
    server.run()
    if not server.started:
        raise typer.Exit(3)


def _announce(url: str, demo: bool) -> None:
    console.print(f"\n[bold]Service prêt :[/] {url}")
    if demo:
        console.print("Comptes de démonstration :")
        for login in DEMO_LOGINS:
            phone = f", poste {login.phone}" if login.phone else ""
            console.print(f"  {login.username:<8} / {login.password:<14} ({login.label}{phone})")


class _AnnouncingServer(uvicorn.Server):
    """Prints the URL once the socket listens: a reader who opens it at once is answered."""

    def __init__(self, config: uvicorn.Config, *, demo: bool) -> None:
        super().__init__(config)
        self.demo = demo

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.started or self.should_exit:
            return
        bound = [s.getsockname() for server in self.servers for s in server.sockets]
        port = bound[0][1] if bound else self.config.port
        _announce(f"http://{self.config.host}:{port}/", self.demo)


def sim_pbx(
    host: str = "127.0.0.1",
    port: int = 5038,
    time_factor: float = typer.Option(1.0, help="1.0 = temps réel ; 0.01 = 100 fois plus vite"),
    seed: int = 1,
    dial_log: str | None = typer.Option(None, help="journal JSON des numérotations"),
) -> None:
    """Lance le simulateur de PBX (AMI) seul, pour les essais."""
    from pathlib import Path

    from telephony.sim import SimulatorConfig, serve_forever

    endpoint = runtime().settings.ami
    config = SimulatorConfig(
        username=endpoint.username,
        secret=endpoint.secret,
        time_factor=time_factor,
        seed=seed,
        dial_log_path=Path(dial_log) if dial_log else None,
    )
    console.print(f"Simulateur AMI sur {host}:{port} (facteur de temps {time_factor}).")
    asyncio.run(serve_forever(host, port, config))
