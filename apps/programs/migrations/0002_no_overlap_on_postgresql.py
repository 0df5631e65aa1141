"""No two arrangements of one compound in force on the same day, enforced by PostgreSQL itself
(an exclusion constraint over daterange, which needs btree_gist for the `=` on compound_id).
SQLite has no such constraint: services.arrangement_create checks the same rule under a lock.
Both operations do nothing on other databases, so SQLite still migrates."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

NAME = "programs_servicearrangement_no_overlap"
CREATE = f"""
ALTER TABLE programs_servicearrangement ADD CONSTRAINT {NAME}
EXCLUDE USING gist (compound_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
"""
DROP = f"ALTER TABLE programs_servicearrangement DROP CONSTRAINT IF EXISTS {NAME}"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
