"""system_settings through resources/settings: typed per category, readonly, encrypted.

Against the real database, each test inside a transaction that is rolled back.
"""

import logging
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from psycopg.types.json import Jsonb

from assets.generation.context import _settings
from assets.generation.ledger import Budget, budgets_for
from assets.generation.pricing import Price, price_list
from core.placements import PlacementSettingError, with_overrides
from resources.settings import (
    MASK,
    InvalidSettingError,
    ReadonlySettingError,
    SecretKeyError,
    SettingNotFoundError,
    delete_setting,
    get_setting,
    list_settings,
    reveal,
    rotate_secrets,
    secret_value,
    set_setting,
    set_text,
)
from resources.settings import placements as load_placements
from tests.conftest import scalar
from tests.factories import make_setting

PLAINTEXT = "sk-live-0123456789-do-not-print"


@pytest.fixture
def secret_key(monkeypatch) -> str:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", key)
    return key


def _stored(conn, category: str, key: str) -> dict:
    return dict(
        conn.exec_driver_sql(
            "select setting_value, data_type, is_encrypted, is_readonly, description "
            "from system_settings where category = %(c)s and setting_key = %(k)s",
            {"c": category, "k": key},
        )
        .mappings()
        .one()
    )


def _absent(conn, category: str, key: str) -> bool:
    return not scalar(
        conn,
        "select count(*) from system_settings where category = :c and setting_key = :k",
        c=category,
        k=key,
    )


# -- pricing -------------------------------------------------------------------------


def test_a_price_is_stored_normalized_and_is_what_generation_reads(conn) -> None:
    set_setting(conn, "pricing", "freepik.mystic", {"per_image": "0.0250"})

    assert _stored(conn, "pricing", "freepik.mystic")["setting_value"] == {
        "per_image": 0.025,
        "currency": "USD",
    }
    prices = price_list(_settings(conn, "pricing").items())
    assert prices["freepik.mystic"] == Price(Decimal("0.025"), "USD")


def test_a_price_replaces_the_old_one_in_place(conn) -> None:
    first = set_setting(conn, "pricing", "local.pillow", {"per_image": 0}, description="free")
    second = set_setting(conn, "pricing", "local.pillow", {"per_image": 0.001, "currency": "EUR"})

    assert second.value == {"per_image": 0.001, "currency": "EUR"}
    assert second.description == "free"  # kept when none is given
    assert second.created_at == first.created_at
    assert (
        scalar(conn, "select count(*) from system_settings where setting_key = 'local.pillow'") == 1
    )
    assert price_list(_settings(conn, "pricing").items())["local.pillow"].currency == "EUR"


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("freepik.mystic", {"per_image": -0.01}, "per_image: must be 0 or more"),
        ("freepik.mystic", {"per_image": "abc"}, "per_image: Input should be a valid decimal"),
        ("freepik.mystic", {"per_image": 0.0000001}, "per_image: has more than 6 decimal places"),
        ("freepik.mystic", {"per_image": 1, "currency": "usd"}, "currency: must be a 3-letter"),
        ("freepik.mystic", {"per_imag": 1}, "per_image: Field required; per_imag: Extra inputs"),
        ("freepik.mystic", 0.02, "must be a JSON object with the fields per_image, currency"),
        ("freepik", {"per_image": 1}, "the key must be '<provider>.<model>'"),
        ("Freepik.Mystic", {"per_image": 1}, "the key must be '<provider>.<model>'"),
    ],
)
def test_a_bad_price_is_refused_naming_what_and_why(conn, key, value, reason) -> None:
    with pytest.raises(InvalidSettingError) as refused:
        set_setting(conn, "pricing", key, value)

    assert str(refused.value).startswith(f"pricing/{key}")
    assert reason in str(refused.value)
    assert _absent(conn, "pricing", key)


def test_pricing_is_json_and_cannot_be_encrypted(conn, secret_key) -> None:
    with pytest.raises(InvalidSettingError, match="pricing settings are json, not decimal"):
        set_setting(conn, "pricing", "freepik.mystic", 0.02, data_type="decimal")
    with pytest.raises(InvalidSettingError, match="pricing settings cannot be encrypted"):
        set_setting(conn, "pricing", "freepik.mystic", {"per_image": 0.02}, secret=True)


# -- budgets -------------------------------------------------------------------------


def test_budgets_are_checked_per_key_and_read_by_the_ledger(conn) -> None:
    set_setting(conn, "budgets", "default.daily", {"daily_budget_usd": 12.5})
    set_setting(conn, "budgets", "default.monthly", {"monthly_budget_usd": 300})
    set_setting(conn, "budgets", "alerts", {"warn_at_fraction": 0.8, "stop_at_fraction": 1})

    stored = _settings(conn, "budgets")
    assert budgets_for({}, stored) == [
        Budget("day", Decimal("12.5"), Decimal("12.5"), Decimal("10.00")),
        Budget("month", Decimal(300), Decimal(300), Decimal("240.0")),
    ]
    # an organization's own amounts win over the defaults
    own = budgets_for({"daily_budget_usd": 3, "monthly_budget_usd": 50}, stored)
    assert [(b.period, b.amount) for b in own] == [("day", Decimal(3)), ("month", Decimal(50))]


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("default.weekly", {"weekly_budget_usd": 1}, "unknown budget; known keys: alerts, "),
        ("default.daily", {"daily_budget_usd": -5}, "daily_budget_usd: must be 0 or more"),
        ("default.daily", {"monthly_budget_usd": 5}, "daily_budget_usd: Field required"),
        ("default.monthly", {"monthly_budget_usd": "lots"}, "monthly_budget_usd: Input should"),
        (
            "alerts",
            {"warn_at_fraction": 1.2, "stop_at_fraction": 1.0},
            "warn_at_fraction must not be above stop_at_fraction",
        ),
        ("alerts", {"warn_at_fraction": -1, "stop_at_fraction": 1}, "warn_at_fraction: Input"),
    ],
)
def test_a_bad_budget_is_refused_naming_what_and_why(conn, key, value, reason) -> None:
    with pytest.raises(InvalidSettingError) as refused:
        set_setting(conn, "budgets", key, value)
    assert str(refused.value).startswith(f"budgets/{key}")
    assert reason in str(refused.value)


# -- placements ----------------------------------------------------------------------


def test_a_placement_override_is_applied_by_the_variants_stage(conn) -> None:
    set_setting(conn, "placements", "tiktok.photo", {"max_bytes": 4_000_000})

    tiktok = next(p for p in load_placements(conn) if p.key == "tiktok.photo")
    assert tiktok.max_bytes == 4_000_000


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tiktok.photo", {"max_bytes": 0}),
        ("tiktok.photo", {"formats": ["gif"]}),
        ("tiktok.photo", {"colour": "red"}),
        ("tiktok.photo", [1080, 1920]),
        ("tiktok", {"max_bytes": 1}),
        ("tiktok.carousel", {"width": 1080}),
        ("instagram.story", {"safe_area_px": {"middle": 10}}),
    ],
)
def test_a_bad_placement_override_is_refused_with_the_stage_s_own_message(conn, key, value) -> None:
    with pytest.raises(PlacementSettingError) as at_run_time:
        with_overrides({key: value})
    with pytest.raises(InvalidSettingError) as at_set_time:
        set_setting(conn, "placements", key, value)

    assert str(at_set_time.value) == str(at_run_time.value)
    assert key in str(at_set_time.value)
    assert _absent(conn, "placements", key)


# -- data types of free-form categories --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "data_type", "stored"),
    [
        ("42", "integer", 42),
        ("0.004", "decimal", 0.004),
        ("2.50", "decimal", 2.5),
        ("yes", "boolean", True),
        ("OFF", "boolean", False),
        ('{"a": [1, 2]}', "json", {"a": [1, 2]}),
        ("hello world", "string", "hello world"),
    ],
)
def test_text_is_read_as_its_data_type(conn, text, data_type, stored) -> None:
    setting = set_text(conn, "features", "value", text, data_type=data_type)

    assert setting.value == stored and setting.data_type == data_type
    assert _stored(conn, "features", "value")["setting_value"] == stored


@pytest.mark.parametrize(
    ("text", "data_type", "reason"),
    [
        ("4.5", "integer", "is not an integer"),
        ("cheap", "decimal", "is not a decimal number"),
        ("0.123456789012345678", "decimal", "more than 15 significant digits"),
        ("maybe", "boolean", "is not a boolean"),
        ("{nope", "json", "is not valid JSON"),
        ("[1, NaN]", "json", "it holds a non-finite number"),
    ],
)
def test_text_that_is_not_its_data_type_is_refused(conn, text, data_type, reason) -> None:
    with pytest.raises(InvalidSettingError, match=reason) as refused:
        set_text(conn, "features", "value", text, data_type=data_type)
    assert str(refused.value).startswith("features/value: ")
    assert text not in str(refused.value)  # the same code reads secrets


def test_a_stored_data_type_is_kept_and_enforced(conn) -> None:
    set_text(conn, "features", "batch", "10", data_type="integer")

    assert set_text(conn, "features", "batch", "12").value == 12
    with pytest.raises(InvalidSettingError, match="an integer setting needs an integer"):
        set_setting(conn, "features", "batch", "twelve")


def test_names_are_checked(conn) -> None:
    with pytest.raises(InvalidSettingError, match="category 'Bad Category'"):
        set_setting(conn, "Bad Category", "x", "y")
    with pytest.raises(InvalidSettingError, match="a key is letters, digits"):
        set_setting(conn, "features", "has space", "y")
    with pytest.raises(InvalidSettingError, match="unknown data type 'float'"):
        set_setting(conn, "features", "x", 1.5, data_type="float")


# -- readonly ------------------------------------------------------------------------


def test_a_readonly_setting_is_refused_and_left_unchanged(conn) -> None:
    make_setting(
        conn,
        category="demo",
        setting_key="history_end_date",
        setting_value=Jsonb("2026-11-24"),
        data_type="string",
        is_readonly=True,
    )
    before = _stored(conn, "demo", "history_end_date")

    with pytest.raises(ReadonlySettingError, match="demo/history_end_date is readonly"):
        set_setting(conn, "demo", "history_end_date", "2020-01-01")
    with pytest.raises(ReadonlySettingError, match="demo/history_end_date is readonly"):
        delete_setting(conn, "demo", "history_end_date")

    assert _stored(conn, "demo", "history_end_date") == before


def test_readonly_is_checked_before_the_value(conn) -> None:
    make_setting(conn, category="pricing", setting_key="local.pillow", is_readonly=True)
    with pytest.raises(ReadonlySettingError, match="pricing/local.pillow is readonly"):
        set_setting(conn, "pricing", "local.pillow", "not even an object")


def test_get_list_and_delete(conn) -> None:
    set_setting(conn, "features", "a", "1")
    set_setting(conn, "features", "b", True, data_type="boolean")

    assert [s.key for s in list_settings(conn, "features")] == ["a", "b"]
    assert get_setting(conn, "features", "b").value is True
    delete_setting(conn, "features", "a")
    with pytest.raises(SettingNotFoundError, match="there is no setting features/a"):
        get_setting(conn, "features", "a")
    with pytest.raises(SettingNotFoundError):
        delete_setting(conn, "features", "a")


# -- secrets -------------------------------------------------------------------------


def test_a_secret_round_trips_and_is_ciphertext_in_the_database(conn, secret_key) -> None:
    setting = set_setting(conn, "secrets", "freepik.api_key", PLAINTEXT)

    row = _stored(conn, "secrets", "freepik.api_key")
    assert row["is_encrypted"] is True and row["data_type"] == "string"
    assert PLAINTEXT not in str(row["setting_value"])
    assert isinstance(row["setting_value"], str) and row["setting_value"].startswith("gAAAAA")
    as_text = scalar(
        conn,
        "select setting_value::text from system_settings where setting_key = 'freepik.api_key'",
    )
    assert PLAINTEXT not in as_text
    assert setting.shown == MASK
    assert PLAINTEXT not in repr(setting)
    assert reveal(get_setting(conn, "secrets", "freepik.api_key")) == PLAINTEXT
    assert secret_value(conn, "freepik.api_key") == PLAINTEXT
    assert secret_value(conn, "nobody.api_key") is None


def test_a_secret_stays_encrypted_when_set_again(conn, secret_key) -> None:
    set_setting(conn, "features", "webhook_token", "first", secret=True)
    set_setting(conn, "features", "webhook_token", "second")  # no --secret this time

    row = _stored(conn, "features", "webhook_token")
    assert row["is_encrypted"] is True and "second" not in str(row["setting_value"])
    assert reveal(get_setting(conn, "features", "webhook_token")) == "second"


def test_an_empty_secret_is_refused_without_a_value_in_the_message(conn, secret_key) -> None:
    with pytest.raises(InvalidSettingError, match="secrets/x.key: a secret must be a non-empty"):
        set_setting(conn, "secrets", "x.key", "   ")
    with pytest.raises(InvalidSettingError, match="secrets settings are string, not json"):
        set_setting(conn, "secrets", "x.key", {"k": PLAINTEXT}, data_type="json")


def test_without_a_key_a_secret_is_neither_stored_nor_revealed(conn, monkeypatch) -> None:
    monkeypatch.delenv("SOCIALPIPE_SECRET_KEY", raising=False)
    with pytest.raises(SecretKeyError, match="SOCIALPIPE_SECRET_KEY is not set") as refused:
        set_setting(conn, "secrets", "freepik.api_key", PLAINTEXT)
    assert PLAINTEXT not in str(refused.value)
    assert "Fernet.generate_key()" in str(refused.value)
    assert _absent(conn, "secrets", "freepik.api_key")


def test_a_wrong_or_malformed_key_is_a_clear_error(conn, secret_key, monkeypatch) -> None:
    set_setting(conn, "secrets", "freepik.api_key", PLAINTEXT)
    stored = get_setting(conn, "secrets", "freepik.api_key")

    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(SecretKeyError, match="secrets/freepik.api_key cannot be decrypted"):
        reveal(stored)

    not_a_key = "this-is-not-a-fernet-key"
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", not_a_key)
    with pytest.raises(SecretKeyError, match="entry 1 of 1 is not a Fernet key") as refused:
        reveal(stored)
    assert not_a_key not in str(refused.value)


def test_rotation_re_encrypts_under_the_new_key(conn, secret_key, monkeypatch) -> None:
    set_setting(conn, "secrets", "freepik.api_key", PLAINTEXT)
    old_token = _stored(conn, "secrets", "freepik.api_key")["setting_value"]
    new_key = Fernet.generate_key().decode()

    # new key first, old key still listed: both decrypt, the new one encrypts
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", f"{new_key}, {secret_key}")
    assert secret_value(conn, "freepik.api_key") == PLAINTEXT
    assert rotate_secrets(conn) == 1

    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", new_key)  # old key retired
    assert _stored(conn, "secrets", "freepik.api_key")["setting_value"] != old_token
    assert secret_value(conn, "freepik.api_key") == PLAINTEXT


def test_rotation_without_the_old_key_changes_nothing(conn, secret_key, monkeypatch) -> None:
    set_setting(conn, "secrets", "freepik.api_key", PLAINTEXT)
    before = _stored(conn, "secrets", "freepik.api_key")
    monkeypatch.setenv("SOCIALPIPE_SECRET_KEY", Fernet.generate_key().decode())

    with pytest.raises(SecretKeyError, match="cannot be decrypted with any key"):
        rotate_secrets(conn)
    assert _stored(conn, "secrets", "freepik.api_key") == before


def test_the_plaintext_never_reaches_logs_or_messages(conn, secret_key, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    messages = []
    set_setting(conn, "secrets", "freepik.api_key", PLAINTEXT)
    messages.append(repr(get_setting(conn, "secrets", "freepik.api_key")))
    messages += [repr(s) for s in list_settings(conn)]
    messages += [str(s.as_dict()) for s in list_settings(conn)]
    for bad in ("", 42):
        with pytest.raises(InvalidSettingError) as refused:
            set_setting(conn, "secrets", "freepik.api_key", bad)
        messages.append(str(refused.value))
    with pytest.raises(InvalidSettingError) as refused:
        set_text(conn, "features", "token", PLAINTEXT, data_type="integer", secret=True)
    messages.append(str(refused.value))

    assert "secrets/freepik.api_key set" in caplog.text  # it does log, without the value
    assert PLAINTEXT not in caplog.text
    assert all(PLAINTEXT not in message for message in messages)
