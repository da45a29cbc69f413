"""import jobs record their owner process; funds' column names mapped per theme

Revision ID: 0004_imp
Revises: 0003a
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_imp"
down_revision = "0004_sec2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("importjob", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    op.create_table(
        "columnalias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("header_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("header", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("field_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["fund_id"], ["fund.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fund_id", "theme", "header_key"),
    )
    op.create_index(op.f("ix_columnalias_fund_id"), "columnalias", ["fund_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_columnalias_fund_id"), table_name="columnalias")
    op.drop_table("columnalias")
    with op.batch_alter_table("importjob", schema=None) as batch_op:
        batch_op.drop_column("owner")
