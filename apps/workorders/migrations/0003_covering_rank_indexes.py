"""On PostgreSQL, the month indexes of the rollup tables become covering indexes (INCLUDE the
counters of the composite score), so that monthly red/black lists are index-only scans. SQLite
has no INCLUDE; the plain indexes of 0001 stay there. The model state is unchanged."""

from django.db import migrations

RANKING = "cb_valid, cb_contacted, cb_solved, cb_satisfied, cb_basic"
INDEXES = [
    (f"wo_{level}_stat_month_idx", f"workorders_{level}monthstat", "category_id, month, region_code", RANKING)
    for level in ("county", "street", "community")
] + [("wo_handler_stat_idx", "workorders_handlermonthstat", "unit_type, month, county_code", f"unit_id, {RANKING}")]


def covering(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns, include in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} ({columns}) INCLUDE ({include})")


def plain(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns, _include in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} ({columns})")


class Migration(migrations.Migration):
    dependencies = [("workorders", "0002_seed_categories")]

    operations = [migrations.RunPython(covering, plain)]
