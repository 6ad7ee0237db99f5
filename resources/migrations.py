"""Schema migrations: alembic applies the ordered plain-SQL files in sql/schema/.

Each revision under sql/migrations/versions/ is a few lines naming its SQL file,
so the schema is read and reviewed as SQL while alembic keeps the bookkeeping
(alembic_version), ordering and "already applied" checks.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from resources.paths import SQL_DIR

SCHEMA_DIR = SQL_DIR / "schema"
MIGRATIONS_DIR = SQL_DIR / "migrations"
# any constant works; it only has to be the same for every process
MIGRATION_LOCK_KEY = 804_412_001


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # passed as an attribute, not an ini option: configparser would mangle '%' in passwords
    config.attributes["database_url"] = url
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str) -> tuple[str | None, str]:
    """Apply pending migrations; return the revision before and after."""
    before = current_revision(url)
    command.upgrade(alembic_config(url), "head")
    return before, head_revision()


def apply_schema_file(revision_file: str) -> None:
    """Run the SQL file that shares the revision module's name (called by revisions)."""
    from alembic import op

    sql = (SCHEMA_DIR / f"{Path(revision_file).stem}.sql").read_text()
    # Sent as one script on the driver's cursor with no parameters: the files hold
    # many statements and format('%I') calls that placeholder parsing would break.
    with op.get_bind().connection.cursor() as cursor:
        cursor.execute(sql)
