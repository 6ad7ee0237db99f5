"""The application database as a Dagster resource."""

from functools import cache

from dagster import ConfigurableResource
from pydantic import Field
from sqlalchemy import Engine, create_engine, event

from resources.database_url import database_url, normalize_url
from resources.tenancy import PIPELINE_ROLE


@cache
def pipeline_engine(url: str) -> Engine:
    """A pooled engine whose sessions act as the pipeline role (across tenants)."""
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)

    @event.listens_for(engine, "connect")
    def _take_pipeline_role(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"set role {PIPELINE_ROLE}")  # a constant, not data
        dbapi_connection.commit()

    return engine


class DatabaseResource(ConfigurableResource):
    """PostgreSQL for tenant data: DATABASE_URL, or the embedded server when unset."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; leave empty to use DATABASE_URL or the embedded server.",
    )

    def resolved_url(self) -> str:
        return normalize_url(self.url) if self.url else database_url()

    def get_engine(self) -> Engine:
        return pipeline_engine(self.resolved_url())
