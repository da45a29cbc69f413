"""indexes for the contact list (name search, filters in id order) and the reports

Revision ID: 0005_rep
Revises: 0004_imp
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_rep"
down_revision = "0004_imp"
branch_labels = None
depends_on = None

CONTACT_INDEXES = {
    "ix_contact_status_id": ["campaign_id", "status", "id"],
    "ix_contact_result_id": ["campaign_id", "last_result", "id"],
}


def upgrade() -> None:
    op.create_index("ix_person_last_name_lower", "person", [sa.text("lower(last_name)")])
    for name, columns in CONTACT_INDEXES.items():
        op.create_index(name, "campaigncontact", columns)
    op.create_index("ix_attempt_campaign_created", "callattempt", ["campaign_id", "created_at"])
    op.create_index("ix_outcome_campaign_created", "outcome", ["campaign_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outcome_campaign_created", table_name="outcome")
    op.drop_index("ix_attempt_campaign_created", table_name="callattempt")
    for name in CONTACT_INDEXES:
        op.drop_index(name, table_name="campaigncontact")
    op.drop_index("ix_person_last_name_lower", table_name="person")
