"""campaigns: manual dial allowed (default off) and what to do on an answering machine;
outcomes: « répondeur / pas la bonne personne »

Revision ID: 0005_desk
Revises: 0004_imp
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_desk"
down_revision = "0004_imp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_reached", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("manual_dial", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "answering_machine",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="off",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("answering_machine")
        batch_op.drop_column("manual_dial")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_column("not_reached")
