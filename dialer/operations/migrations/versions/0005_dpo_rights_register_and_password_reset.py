"""the DPO's register of rights requests; accounts that must change their password

Revision ID: 0005_dpo
Revises: 0004_imp
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_dpo"
down_revision = "0005_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "rightsrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extension_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("closing_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("person_id", "status", "due_on"):
        op.create_index(op.f(f"ix_rightsrequest_{column}"), "rightsrequest", [column])
    op.create_table(
        "rightsrequeststep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["rightsrequest.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_rightsrequeststep_request_id"), "rightsrequeststep", ["request_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rightsrequeststep_request_id"), table_name="rightsrequeststep")
    op.drop_table("rightsrequeststep")
    for column in ("person_id", "status", "due_on"):
        op.drop_index(op.f(f"ix_rightsrequest_{column}"), table_name="rightsrequest")
    op.drop_table("rightsrequest")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
