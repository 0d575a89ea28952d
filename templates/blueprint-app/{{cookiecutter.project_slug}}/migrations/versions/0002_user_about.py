"""add user.about

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # BEGIN SOLUTION migrations
    # SQLite cannot change a table in place, so Alembic's batch mode copies it.
    # The server default fills the column in for the rows that exist already.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("about", sa.String(length=500), server_default="", nullable=False))
    # STUB
    # pass
    # END SOLUTION


def downgrade():
    # BEGIN SOLUTION migrations
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("about")
    # STUB
    # pass
    # END SOLUTION
