"""live-call locks: one live call per person, identity and number

Revision ID: 0003a
Revises: 0003d
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003a"
down_revision = "0003d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "livecalllock",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["callattempt.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["campaigncontact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("livecalllock", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_livecalllock_attempt_id"), ["attempt_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_livecalllock_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_livecalllock_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("livecalllock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_livecalllock_worker_id"))
        batch_op.drop_index(batch_op.f("ix_livecalllock_expires_at"))
        batch_op.drop_index(batch_op.f("ix_livecalllock_attempt_id"))
    op.drop_table("livecalllock")
