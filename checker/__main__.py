"""``python -m checker DATABASE_URL DIAL_LOG [--since ISO]``: French report, exit 1 on a breach."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from checker.run import check_day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description="Contrôle indépendant des règles d'une journée de campagne.",
    )
    parser.add_argument("database_url", help="URL SQLAlchemy de la base à contrôler")
    parser.add_argument("dial_log", type=Path, help="journal d'appels du simulateur PBX")
    parser.add_argument(
        "--since",
        type=datetime.fromisoformat,
        default=None,
        help="début de la période contrôlée (ISO 8601, UTC si sans fuseau)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        report = check_day(args.database_url, args.dial_log, since=args.since)
    except FileNotFoundError:
        print(f"Journal d'appels introuvable : {args.dial_log}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"Base de données illisible : {error}", file=sys.stderr)
        return 2
    print(report.render_fr())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
