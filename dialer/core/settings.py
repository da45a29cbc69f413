"""All settings of the service, read once from ``DIALER_`` environment variables.

The composition root builds one ``Settings`` and hands it (or the values it needs)
to the code that uses them; nothing below reads the environment itself.
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dialer.core.errors import DomainError
from telephony.ami.endpoint import AmiEndpoint
from telephony.ami.frames import AgentTemplate, UnsafeAmiValue

# Signs the demo's session cookies: public, so fit only for the embedded default.
DEMO_SECRET_KEY = "change-me-in-production-this-is-the-demo-key"  # noqa: S105


class UnsafeSettings(DomainError):
    """Settings a service must not start with; the message tells the operator what to set."""


class Settings(BaseSettings):
    """The service's settings; every field maps to ``DIALER_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="DIALER_", env_file=None, extra="ignore")

    database_url: str = Field(default="sqlite:///./var/dialer.sqlite3")
    # Connections each process holds (the web serves every desk from one pool): 200 agents
    # signing in at once drained a 5 + 10 pool. A request that finds no connection within
    # ``db_pool_timeout_s`` is answered 503 with Retry-After, never held for half a minute.
    db_pool_size: int = Field(default=20, ge=1, le=500)
    db_max_overflow: int = Field(default=20, ge=0, le=500)
    db_pool_timeout_s: float = Field(default=10.0, gt=0, le=300)
    # Embedded default: the in-process PBX simulator listens here.
    ami_url: str = "ami://dialer:dialer-secret@127.0.0.1:5038"
    embedded_pbx: bool = True
    dial_template: str = "Local/{national}@sim-persons"
    agent_template: str = "Local/{agent}@sim-agents"
    dial_context: str = "dialer-connect"
    dial_extension: str = "s"
    trunk_max_cps: float = 20.0
    ami_action_timeout_s: float = 10.0
    ami_ping_interval_s: float = 20.0
    ring_timeout_s: int = 30

    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: SecretStr = SecretStr(DEMO_SECRET_KEY)
    # Key ring as JSON (production secret store) or a key file created on first start.
    data_key: SecretStr | None = None
    data_key_file: Path = Path("var/dialer-keys.json")
    # Sealed checkpoints of the access trail, outside the database (append-only file).
    trail_checkpoint_file: Path = Path("var/trail-checkpoints.jsonl")
    trail_checkpoint_minutes: int = Field(default=60, gt=0, le=24 * 60)
    secure_cookies: bool = False
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated);
    # from any other peer the header is ignored, so nobody picks the address they sign in from.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    # Failed sign-ins one client address may make per 15 minutes: a whole call centre
    # behind one NAT mistyping on a Monday morning stays far below it.
    login_address_failures: int = Field(default=300, ge=1)
    demo_data: bool = True

    import_max_bytes: int = 200 * 1024 * 1024
    import_batch_size: int = 5000

    feed_batch_size: int = 1000
    feed_max_tries: int = 8
    feed_timeout_s: float = 10.0
    feed_push: bool = True

    worker_id: str = "worker-1"
    lease_seconds: int = 120
    preview_hold_seconds: int = 300
    # On SIGTERM a worker stops placing calls and waits this long for its calls in
    # flight to end, so their results are recorded rather than left to the next start.
    stop_drain_seconds: float = 30.0
    # A worker whose heartbeat is older than this stopped for good (crash, box
    # removed): the other workers close its calls and free its agents and contacts.
    worker_dead_seconds: float = Field(default=45.0, gt=0)
    log_json: bool = False

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies_are_networks(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            items: list[object] = list(value.split(","))
        else:
            items = list(value) if isinstance(value, (list, tuple)) else [value]
        found = []
        for item in (str(raw).strip() for raw in items):
            if not item:
                continue
            try:
                found.append(str(ip_network(item, strict=False)))
            except ValueError:
                raise ValueError(
                    f"proxy de confiance invalide : {item!r} (une adresse IP ou un réseau "
                    "CIDR est attendu, par exemple 10.0.0.5 ou 10.0.0.0/24)"
                ) from None
        return tuple(found)

    @field_validator("ami_url")
    @classmethod
    def _ami_url_is_valid(cls, value: str) -> str:
        AmiEndpoint.parse(value)
        return value

    @field_validator("agent_template")
    @classmethod
    def _agent_template_is_valid(cls, value: str) -> str:
        if value.count("{agent}") != 1:
            raise ValueError(
                "le modèle doit contenir une fois {agent}, remplacé par le poste de "
                f"l'agent (par exemple PJSIP/{{agent}}) ; reçu : {value!r}"
            )
        try:
            AgentTemplate(value)
        except UnsafeAmiValue as error:
            raise ValueError(
                "le modèle doit être de la forme PJSIP/{agent} ou "
                f"Local/{{agent}}@contexte ; reçu : {value!r}"
            ) from error
        return value

    @property
    def ami(self) -> AmiEndpoint:
        """The one reading of ``ami_url`` (the service, the worker and ``dialer pbx`` share it)."""
        return AmiEndpoint.parse(self.ami_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def embedded(self) -> bool:
        """The embedded default: the SQLite file and the in-process PBX simulator, one machine."""
        return self.is_sqlite and self.embedded_pbx

    def check_fit_to_serve(self) -> None:
        """Refuse (``UnsafeSettings``) the public demo key anywhere but the embedded default."""
        if self.secret_key.get_secret_value() == DEMO_SECRET_KEY and not self.embedded:
            raise UnsafeSettings(
                "DIALER_SECRET_KEY vaut la clé de démonstration, publique : hors de "
                "l'installation embarquée (base SQLite et PBX simulé), donnez-lui 64 octets "
                "aléatoires (openssl rand -base64 64), les mêmes pour chaque processus web."
            )
