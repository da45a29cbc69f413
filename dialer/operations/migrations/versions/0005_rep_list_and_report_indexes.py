"""indexes for the contact list (name search, filters in id order) and the reports;
the reports' hourly rollup tables

Revision ID: 0005_rep
Revises: 0004_imp
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_rep"
down_revision = "0005_dpo"
branch_labels = None
depends_on = None

HOUR_COUNTS = (
    "attempts", "reached", "first_reached", "answered", "abandoned", "interviews_accepted",
    "interviews_refused", "offers_accepted", "offers_refused", "callbacks", "opt_outs",
)  # fmt: skip
CONTACT_INDEXES = {
    "ix_contact_status_id": ["campaign_id", "status", "id"],
    "ix_contact_result_id": ["campaign_id", "last_result", "id"],
}


def upgrade() -> None:
    op.create_index("ix_person_last_name_lower", "person", [sa.text("lower(last_name)")])
    op.create_index("ix_person_territory", "person", ["territory"])
    for name, columns in CONTACT_INDEXES.items():
        op.create_index(name, "campaigncontact", columns)
    op.create_index("ix_attempt_campaign_created", "callattempt", ["campaign_id", "created_at"])
    op.create_index("ix_outcome_campaign_created", "outcome", ["campaign_id", "created_at"])
    op.create_table(
        "reporthour",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in HOUR_COUNTS],
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "hour"),
    )
    op.create_table(
        "reportagenthour",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("talk_seconds", sa.Float(), nullable=False),
        sa.Column("wrap_ups", sa.Integer(), nullable=False),
        sa.Column("wrap_up_seconds", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "hour", "user_id"),
    )
    op.create_table(
        "reportwatermark",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("rolled_until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("campaign_id"),
    )


def downgrade() -> None:
    for table in ("reportwatermark", "reportagenthour", "reporthour"):
        op.drop_table(table)
    op.drop_index("ix_outcome_campaign_created", table_name="outcome")
    op.drop_index("ix_attempt_campaign_created", table_name="callattempt")
    for name in CONTACT_INDEXES:
        op.drop_index(name, table_name="campaigncontact")
    op.drop_index("ix_person_territory", table_name="person")
    op.drop_index("ix_person_last_name_lower", table_name="person")
