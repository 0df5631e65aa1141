"""No two holding bookings of one room overlap: a PostgreSQL exclusion constraint over
(room, tstzrange(starts_at, ends_at)). Runs only on PostgreSQL; on SQLite the same rule is
enforced by services.booking_create under a serialised write."""

from django.db import migrations

NAME = "spaces_booking_no_overlap"
CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE spaces_booking ADD CONSTRAINT {NAME}
  EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (status IN ('pending', 'approved', 'checked_in'));
"""
DROP = f"ALTER TABLE spaces_booking DROP CONSTRAINT IF EXISTS {NAME};"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that is a no-op on any database but PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [PostgresOnlySQL(sql=CREATE, reverse_sql=DROP)]
