"""tenant_connection: one organization per transaction, nothing leaks into the pool."""

import uuid

import pytest
from sqlalchemy import create_engine, text

from resources.tenancy import tenant_connection


@pytest.fixture
def single_connection_engine(database_url: str):
    # one pooled connection, so the second checkout is the very one the tenant used
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_scope_ends_with_the_transaction(single_connection_engine) -> None:
    org = uuid.uuid4()
    with tenant_connection(single_connection_engine, org) as conn:
        assert conn.execute(text("select current_user")).scalar() == "socialpipe_app"
        assert conn.execute(text("select current_organization_id()")).scalar() == org

    with single_connection_engine.connect() as conn:
        assert conn.execute(text("select current_user")).scalar() != "socialpipe_app"
        assert conn.execute(text("select current_organization_id()")).scalar() is None


def test_scope_ends_when_the_block_fails(single_connection_engine) -> None:
    with pytest.raises(RuntimeError), tenant_connection(single_connection_engine, uuid.uuid4()):
        raise RuntimeError("boom")
    with single_connection_engine.connect() as conn:
        assert conn.execute(text("select current_organization_id()")).scalar() is None


def test_organization_id_must_be_a_uuid(single_connection_engine) -> None:
    with pytest.raises(ValueError), tenant_connection(single_connection_engine, "1 or 1=1"):
        pass
