"""supervision: supervisors per campaign, transfer destinations, policy, call control, help

Revision ID: 0005_sup
Revises: 0004_imp
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_sup"
down_revision = "0005_rep"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "campaignsupervisor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enabled_by", S(length=100), nullable=False),
        sa.Column("enabled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "user_id"),
    )
    op.create_index("ix_campaignsupervisor_campaign_id", "campaignsupervisor", ["campaign_id"])
    op.create_index("ix_campaignsupervisor_user_id", "campaignsupervisor", ["user_id"])
    op.create_table(
        "transferdestination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("label", S(length=100), nullable=False),
        sa.Column("target", S(length=20), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "target"),
    )
    op.create_index("ix_transferdestination_campaign_id", "transferdestination", ["campaign_id"])
    op.create_table(
        "supervisionpolicy",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("show_listening", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "callcontrolentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=False),
        sa.Column("action", S(length=24), nullable=False),
        sa.Column("destination", S(length=100), nullable=True),
        sa.Column("refused", S(length=300), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["callattempt.id"]),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["actor_user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("attempt_id", "campaign_id", "actor_user_id", "at"):
        op.create_index(f"ix_callcontrolentry_{column}", "callcontrolentry", [column])
    op.create_table(
        "helprequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by", S(length=100), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["attempt_id"], ["callattempt.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_helprequest_user_id", "helprequest", ["user_id"])
    op.create_index("ix_helprequest_requested_at", "helprequest", ["requested_at"])


def downgrade() -> None:
    for table in (
        "helprequest", "callcontrolentry", "supervisionpolicy", "transferdestination",
        "campaignsupervisor",
    ):  # fmt: skip
        op.drop_table(table)
