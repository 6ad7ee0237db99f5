"""alembic environment: online migrations only, one transaction per revision."""

from alembic import context
from sqlalchemy import create_engine, text

from resources.migrations import MIGRATION_LOCK_KEY

engine = create_engine(context.config.attributes["database_url"])
try:
    with engine.connect() as connection:
        # two processes upgrading at once (a test run beside `make demo`) take turns
        connection.execute(text("select pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            context.configure(connection=connection, transaction_per_migration=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("select pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
finally:
    engine.dispose()
