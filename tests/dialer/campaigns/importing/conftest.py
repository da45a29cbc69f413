from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.territories import Territory
from dialer.core.db import session_scope


@pytest.fixture
def campaign_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        fund = create_fund(session, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(session, "FLU", "Grippe", "flu_vaccination", fund, "0162000000")
        return campaign.id or 0


@pytest.fixture
def dental_campaign_id(engine: Engine, campaign_id: int) -> int:
    with session_scope(engine) as session:
        fund = create_fund(session, "CGSS974", "CGSS de La Réunion", Territory.REUNION)
        campaign = create_campaign(session, "EBD", "EBD", "child_dental", fund, "0162000000")
        return campaign.id or 0


HEADER = "Référence;NIR;Nom;Prénom;Date de naissance;Code postal;Téléphone"
GOOD = [
    "R1;184127511108988;DUPONT;Jean;15/12/1984;75011;06 12 34 56 78",
    "R2;269059741115720;MARTIN;Léa;20/05/1969;97411;0692 12 34 56",
    "R3;290012A01234511;SANTONI;Marie;01/01/1990;20000;04 95 12 34 56",
]


def write(path: Path, lines: list[str], encoding: str = "utf-8", delimiter: str = ";") -> Path:
    text = "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path
