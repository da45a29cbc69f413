"""agent accounts carry their phone's endpoint; trunk state per worker

Revision ID: 0003d
Revises: 0003c
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003d"
down_revision = "0003c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trunkstate",
        sa.Column("worker_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("down_since", sa.DateTime(), nullable=True),
        sa.Column("recent_failures", sa.Integer(), nullable=False),
        sa.Column("probe_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_endpoint", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))


def downgrade() -> None:
    op.drop_table("trunkstate")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("phone_endpoint")
