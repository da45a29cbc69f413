"""Every table of the schema, made in one go: what the root ``engine`` fixture does per test.

``SQLModel.metadata.create_all`` asks the database about each table before creating it, one
round trip per statement: over a second a test on PostgreSQL, thousands of tests a run. The
same DDL, recorded once and sent as one script, costs a fraction of that. On SQLite a file
made once is copied.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from sqlalchemy import create_mock_engine
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import dialer.operations.schema  # noqa: F401  (registers every table)
from dialer.core.db import make_engine


@cache
def postgres_script() -> str:
    """The statements ``create_all`` sends to an empty PostgreSQL schema, in its order."""
    statements: list[str] = []

    def record(ddl: object, *_: object, **__: object) -> None:
        statements.append(str(ddl.compile(dialect=recorder.dialect)).strip())  # type: ignore[attr-defined]

    recorder = create_mock_engine("postgresql+psycopg://", record)  # type: ignore[arg-type]
    SQLModel.metadata.create_all(recorder, checkfirst=False)  # type: ignore[arg-type]
    return ";\n".join(statements)


def create_postgres_tables(engine: Engine) -> None:
    # No parameters, so psycopg sends the whole script in one simple query.
    with engine.begin() as conn:
        conn.exec_driver_sql(postgres_script())


def sqlite_template(folder: Path) -> Path:
    """A SQLite file holding every table, empty; copied by each test that wants one."""
    path = folder / "tables.sqlite3"
    made = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(made)
    made.dispose()  # the last connection closed checkpoints the WAL into the file
    return path


def copy_sqlite(template: Path, url: str) -> None:
    target = Path(url.split("///", 1)[1].split("?", 1)[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template, target)
