"""every saved version of a campaign's retry rules

Revision ID: 0005_mgr
Revises: 0004_imp
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_mgr"
down_revision = "0005_sup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retrypolicyversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "version"),
    )
    op.create_index(
        op.f("ix_retrypolicyversion_campaign_id"),
        "retrypolicyversion",
        ["campaign_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_retrypolicyversion_campaign_id"), table_name="retrypolicyversion")
    op.drop_table("retrypolicyversion")
