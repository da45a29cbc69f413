"""agents' state history, and its hourly rollup for the reports

Revision ID: 0006_occ
Revises: 0005_mgr
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_occ"
down_revision = "0005_mgr"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agentstatechange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("pause_reason", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_agentstatechange_campaign_since", "agentstatechange", ["campaign_id", "since"]
    )
    op.create_index(
        "ix_agentstatechange_campaign_user_since",
        "agentstatechange",
        ["campaign_id", "user_id", "since"],
    )
    op.create_index(op.f("ix_agentstatechange_since"), "agentstatechange", ["since"])
    op.create_table(
        "reportagentstate",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("heading", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "hour", "user_id", "heading", "reason"),
    )


def downgrade() -> None:
    op.drop_table("reportagentstate")
    op.drop_index(op.f("ix_agentstatechange_since"), table_name="agentstatechange")
    op.drop_index("ix_agentstatechange_campaign_user_since", table_name="agentstatechange")
    op.drop_index("ix_agentstatechange_campaign_since", table_name="agentstatechange")
    op.drop_table("agentstatechange")
