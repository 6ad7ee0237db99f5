"""Freepik's API key: FREEPIK_API_KEY, else the encrypted secret secrets/freepik.api_key."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from resources.freepik import API_KEY_SECRET, FreepikConfigurationError, FreepikSettings
from resources.image_providers import stored_freepik_key
from resources.settings import set_setting
from tests.fake_freepik import API_KEY, running_fake_freepik
from tests.freepik_world import source_request
from tests.generation_helpers import copy_request, generate, organization_on_freepik, request_row


def _never() -> str:
    raise AssertionError("the stored secret must not be read when FREEPIK_API_KEY is set")


def test_the_environment_wins_and_the_secret_is_not_read() -> None:
    settings = FreepikSettings.from_env({"FREEPIK_API_KEY": "sk-env"}, api_key_fallback=_never)
    assert settings.api_key == "sk-env"


def test_without_the_environment_the_fallback_gives_the_key() -> None:
    settings = FreepikSettings.from_env({}, api_key_fallback=lambda: " sk-stored ")
    assert settings.api_key == "sk-stored"
    assert "sk-stored" not in repr(settings)


def test_neither_is_a_clear_configuration_error() -> None:
    with pytest.raises(FreepikConfigurationError, match="FREEPIK_API_KEY is not set and no secret"):
        FreepikSettings.from_env({}, api_key_fallback=lambda: None)


@pytest.fixture
def stored_key(engine, monkeypatch):
    """secrets/freepik.api_key in the suite's database (committed), removed after."""
    secret_key = Fernet.generate_key().decode()
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", secret_key)

    def store(target_engine=engine, value: str = API_KEY) -> None:
        with target_engine.begin() as conn:
            set_setting(conn, "secrets", API_KEY_SECRET, value)
        stored.append(target_engine)

    stored: list = []
    yield store
    for target in stored:
        with target.begin() as conn:
            conn.execute(
                text("delete from system_settings where category = 'secrets' and setting_key = :k"),
                {"k": API_KEY_SECRET},
            )


def test_the_key_is_read_from_the_stored_secret(engine, stored_key) -> None:
    read = stored_freepik_key(engine)
    assert read() is None  # nothing stored yet

    stored_key()
    assert read() == API_KEY


def test_an_undecryptable_secret_is_a_configuration_error(engine, stored_key, monkeypatch):
    stored_key()
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", Fernet.generate_key().decode())

    with pytest.raises(FreepikConfigurationError) as refused:
        stored_freepik_key(engine)()
    assert "secrets/freepik.api_key cannot be decrypted" in str(refused.value)
    assert API_KEY not in str(refused.value)


# -- the generation stage, against the fake Freepik server -------------------------------


@pytest.fixture
def freepik_world(demo_world, monkeypatch):
    """The demo with one organization on Freepik, FREEPIK_API_KEY unset; restored after."""
    engine = demo_world.engine
    with organization_on_freepik(engine) as org, running_fake_freepik() as fake:
        source = source_request(engine, org)
        monkeypatch.delenv("FREEPIK_API_KEY", raising=False)
        monkeypatch.setenv("FREEPIK_BASE_URL", fake.base_url)
        monkeypatch.delenv("FREEPIK_MODEL", raising=False)
        yield demo_world, fake, copy_request(engine, source, target_platforms=["instagram"])


def test_generation_calls_freepik_with_the_stored_key(freepik_world, stored_key) -> None:
    world, fake, request_id = freepik_world
    stored_key(world.engine)

    result = generate(world, [request_id])

    assert request_row(world.engine, request_id)["status"] == "generated"
    assert fake.api_requests[0].headers["x-freepik-api-key"] == API_KEY
    # neither the run's logs nor its metadata carry the key
    assert all(API_KEY not in str(event) for event in result.all_events)


def test_generation_with_an_undecryptable_key_fails_the_request_clearly(
    freepik_world, stored_key, monkeypatch
) -> None:
    world, fake, request_id = freepik_world
    stored_key(world.engine)
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", Fernet.generate_key().decode())

    assert generate(world, [request_id]).success  # the run goes on; the request fails
    request = request_row(world.engine, request_id)
    assert request["status"] == "failed"
    assert "secrets/freepik.api_key cannot be decrypted" in request["status_reason"]
    assert fake.api_requests == []
