"""Migrations: an empty database reaches the head revision; a second upgrade changes nothing."""

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

from resources.migrations import (
    MIGRATIONS_DIR,
    SCHEMA_DIR,
    current_revision,
    head_revision,
    upgrade,
)
from tests.factories import ORG_SCOPED

# every schema object with its oid: an object dropped and recreated gets a new oid,
# so an upgrade that re-ran any DDL changes this snapshot even if the names match
SNAPSHOT = text(
    """
    select 'relation', c.relkind::text || ' ' || c.relname, c.oid
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      -- a partition (and its indexes) belongs to its table: months come and go (0013)
      where n.nspname = 'public' and not c.relispartition
    union all
    select 'function', p.oid::regprocedure::text, p.oid
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public'
    union all
    select 'trigger', t.tgrelid::regclass::text || '.' || t.tgname, t.oid
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and not t.tgisinternal
    union all
    select 'policy', p.polrelid::regclass::text || '.' || p.polname, p.oid
      from pg_policy p
    union all
    select 'constraint', c.conrelid::regclass::text || '.' || c.conname, c.oid
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = 'public'
    """
)


def snapshot(url: str) -> dict[str, set[tuple[str, int]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            objects: dict[str, set[tuple[str, int]]] = {}
            for kind, name, oid in conn.execute(SNAPSHOT):
                objects.setdefault(kind, set()).add((name, oid))
            return objects
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def fresh_url(make_database: Callable[[], str]) -> str:
    return make_database()


def test_empty_database_migrates_to_head_and_again_is_a_no_op(fresh_url: str):
    assert current_revision(fresh_url) is None
    assert snapshot(fresh_url).get("relation", set()) == set()

    before, after = upgrade(fresh_url)

    assert (before, after) == (None, head_revision())
    assert current_revision(fresh_url) == head_revision()
    first = snapshot(fresh_url)
    tables = {name for name, _ in first["relation"] if name[:2] in ("r ", "p ")}
    # the design's tables, alembic_version, event_partition_retirements (0013),
    # alert_deliveries (0015) and compliance_engagement (0016)
    assert len(tables) == 18 + 4
    assert {"p api_usage", "p user_activity_logs"} <= tables
    isolation = {name for name, _ in first["policy"] if name.endswith(".tenant_isolation")}
    assert isolation == {f"{table}.tenant_isolation" for table in ORG_SCOPED}
    # 0010: users' two policies and the admins-only restrictions on memberships
    assert len(first["policy"]) == len(ORG_SCOPED) + 2 + 3
    assert first["trigger"] and first["function"] and first["constraint"]

    assert upgrade(fresh_url) == (head_revision(), head_revision())

    assert current_revision(fresh_url) == head_revision()
    assert snapshot(fresh_url) == first


def test_every_schema_file_has_a_revision_and_the_last_is_head():
    sql_files = sorted(path.stem for path in SCHEMA_DIR.glob("*.sql"))
    revisions = sorted(path.stem for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert sql_files == revisions
    assert head_revision() == sql_files[-1].split("_", 1)[0]
