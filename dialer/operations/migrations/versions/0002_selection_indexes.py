"""selection queue index on campaigncontact

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigncontact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_queue",
            ["campaign_id", "status", "callback_at", "next_attempt_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("campaigncontact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_queue")
