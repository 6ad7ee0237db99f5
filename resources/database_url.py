"""Which PostgreSQL the product talks to."""

import os
from urllib.parse import unquote

from sqlalchemy.engine import make_url


def normalize_url(url: str) -> str:
    """Make any postgres URL use the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def database_url() -> str:
    """DATABASE_URL when set; otherwise the embedded server, started on demand."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return normalize_url(configured)
    from resources.embedded_postgres import embedded_database_url

    return embedded_database_url()


def redact(url: str) -> str:
    """The URL with any password hidden, for printing."""
    # unquoted so a socket path reads as a path, not %2F-escaped
    return unquote(make_url(url).render_as_string(hide_password=True))
