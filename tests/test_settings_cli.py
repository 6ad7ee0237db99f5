"""`socialpipe settings list | get | set | delete | rotate-secrets` against a real database.

Invoked in-process through a root app built the way socialpipe/cli registers its
groups; the last test runs the installed command itself once `settings` is registered.
"""

import json
import logging
import os
import uuid

import pytest
import typer
from cryptography.fernet import Fernet
from sqlalchemy import text
from typer.testing import CliRunner

from assets.generation.context import _settings
from assets.generation.pricing import price_list
from core.placements import PlacementSettingError, with_overrides
from socialpipe.cli import settings
from tests.cli_runner import run_cli

PLAINTEXT = "sk-live-cli-5f0c2a-never-shown"
MASK = "•••• (encrypted)"

root = typer.Typer()
root.add_typer(settings.app, name="settings")
runner = CliRunner()


@pytest.fixture
def secret_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def cli(database_url, secret_key):
    def invoke(*args: str, secret: str | None = secret_key, stdin: str | None = None):
        # secret=None runs without SOCIALPIPE_SECRET_KEY
        env = {"DATABASE_URL": database_url, "SOCIALPIPE_SECRET_KEY": secret}
        return runner.invoke(root, ["settings", *args], env=env, input=stdin)

    return invoke


@pytest.fixture
def written(engine):
    """(category, key) pairs a test wrote through the CLI (committed): removed after."""
    names: list[tuple[str, str]] = []
    yield names
    with engine.begin() as conn:
        for category, key in names:
            conn.execute(
                text("delete from system_settings where category = :c and setting_key = :k"),
                {"c": category, "k": key},
            )


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def _row(engine, category: str, key: str):
    with engine.connect() as conn:
        return (
            conn.execute(
                text(
                    "select setting_value, data_type, is_encrypted, is_readonly, updated_at "
                    "from system_settings where category = :c and setting_key = :k"
                ),
                {"c": category, "k": key},
            )
            .mappings()
            .first()
        )


def _refused(result, reason: str, code: int = 1) -> None:
    """One `Refused:` line on stderr: code 1 for a refusal, 2 for a bad value."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Refused: "), result.stderr
    assert reason in lines[0]
    assert "Traceback" not in result.output


def test_a_price_set_on_the_command_line_is_what_generation_uses(cli, engine, written) -> None:
    key = _name("test.model-")
    written.append(("pricing", key))

    result = cli("set", "pricing", key, '{"per_image": 0.0125, "currency": "EUR"}')
    assert result.exit_code == 0, result.output
    assert f"pricing/{key} = " in result.stdout

    with engine.connect() as conn:
        price = price_list(_settings(conn, "pricing").items())[key]
    assert (str(price.per_image), price.currency) == ("0.0125", "EUR")

    got = cli("get", "pricing", key, "--json")
    assert got.exit_code == 0
    assert json.loads(got.stdout)["value"] == {"per_image": 0.0125, "currency": "EUR"}
    assert json.loads(cli("get", "pricing", key).stdout) == {"currency": "EUR", "per_image": 0.0125}

    listed = json.loads(cli("list", "--category", "pricing", "--json").stdout)
    (row,) = [r for r in listed if r["key"] == key]
    assert row["data_type"] == "json" and row["is_readonly"] is False
    table = cli("list", "--category", "pricing")
    assert table.exit_code == 0 and "setting(s)" in table.stdout


def test_an_invalid_price_is_refused_in_one_line_and_not_written(cli, engine) -> None:
    key = _name("test.model-")
    _refused(
        cli("set", "pricing", key, '{"per_image": -1}'),
        f"pricing/{key}: per_image: must be 0 or more",
        2,
    )
    _refused(cli("set", "pricing", key, "{per_image: 1}"), "is not valid JSON", 2)
    _refused(cli("set", "pricing", key, "1", "--type", "integer"), "pricing settings are json", 2)
    assert _row(engine, "pricing", key) is None


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        # what float arithmetic on a stored amount makes: refused by its decimals, in words
        ("7.361000000000001", "has more than 6 decimal places (7.361000000000001)"),
        ("100000000", "must be below 100,000,000"),
    ],
)
def test_a_budget_says_which_limit_it_breaks(cli, engine, amount, reason) -> None:
    before = _row(engine, "budgets", "default.daily")
    _refused(
        cli("set", "budgets", "default.daily", f'{{"daily_budget_usd": {amount}}}'),
        f"budgets/default.daily: daily_budget_usd: {reason}",
        2,
    )
    assert _row(engine, "budgets", "default.daily") == before


def test_an_unknown_type_is_a_usage_error(cli) -> None:
    result = cli("set", "features", "x", "1", "--type", "float")
    assert result.exit_code == 2


def test_a_bad_placement_override_is_refused_with_the_stage_s_message(cli, engine) -> None:
    value = {"max_bytes": 0, "formats": ["gif"]}
    with pytest.raises(PlacementSettingError) as at_run_time:
        with_overrides({"tiktok.photo": value})

    _refused(cli("set", "placements", "tiktok.photo", json.dumps(value)), str(at_run_time.value), 2)
    assert _row(engine, "placements", "tiktok.photo") is None


def test_a_readonly_setting_is_refused_and_unchanged(cli, engine, written) -> None:
    key = _name("anchor_")
    written.append(("demo", key))
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into system_settings (category, setting_key, setting_value, data_type, "
                "is_readonly) values ('demo', :k, '\"2026-11-24\"', 'string', true)"
            ),
            {"k": key},
        )
    before = _row(engine, "demo", key)

    _refused(cli("set", "demo", key, "2020-01-01"), f"demo/{key} is readonly")
    _refused(cli("delete", "demo", key), f"demo/{key} is readonly")
    assert _row(engine, "demo", key) == before
    assert cli("get", "demo", key).stdout.strip() == "2026-11-24"


def test_a_missing_setting_is_refused(cli) -> None:
    _refused(cli("get", "pricing", "nobody.nothing"), "there is no setting pricing/nobody.nothing")
    _refused(cli("delete", "pricing", "nobody.nothing"), "there is no setting")


def test_typed_values_and_delete(cli, engine, written) -> None:
    key = _name("batch_")
    written.append(("features", key))

    assert cli("set", "features", key, "10", "--type", "integer").exit_code == 0
    assert cli("set", "features", key, "12").exit_code == 0  # stays an integer
    assert _row(engine, "features", key)["setting_value"] == 12
    _refused(
        cli("set", "features", key, "twelve"), f"features/{key}: the value is not an integer", 2
    )

    assert cli("delete", "features", key).exit_code == 0
    assert _row(engine, "features", key) is None


def test_a_secret_is_encrypted_masked_and_revealed_only_on_request(
    cli, engine, written, secret_key, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    key = _name("vendor.key-")
    written.append(("secrets", key))
    shown = []  # everything printed except the one --reveal

    shown.append(cli("set", "secrets", key, PLAINTEXT, secret=None))  # no SOCIALPIPE_SECRET_KEY
    _refused(shown[-1], "SOCIALPIPE_SECRET_KEY is not set")
    assert _row(engine, "secrets", key) is None

    shown.append(cli("set", "secrets", key, PLAINTEXT, "--description", "vendor API key"))
    assert shown[-1].exit_code == 0 and MASK in shown[-1].stdout
    stored = _row(engine, "secrets", key)
    assert stored["is_encrypted"] and PLAINTEXT not in str(stored["setting_value"])

    shown.append(cli("get", "secrets", key))
    assert shown[-1].stdout.strip() == MASK
    shown.append(cli("get", "secrets", key, "--json"))
    assert json.loads(shown[-1].stdout)["value"] == MASK
    shown.append(cli("list", "--json"))
    assert MASK in shown[-1].stdout
    shown.append(cli("list"))
    shown.append(cli("set", "secrets", key, " "))  # a failed set
    _refused(shown[-1], f"secrets/{key}: a secret must be a non-empty string", 2)
    other_key = Fernet.generate_key().decode()
    shown.append(cli("get", "secrets", key, "--reveal", secret=other_key))
    _refused(shown[-1], f"secrets/{key} cannot be decrypted with SOCIALPIPE_SECRET_KEY")
    shown.append(cli("get", "secrets", key, "--reveal", secret="not-a-key"))
    _refused(shown[-1], "entry 1 of 1 is not a Fernet key")

    revealed = cli("get", "secrets", key, "--reveal")
    assert revealed.exit_code == 0 and revealed.stdout.strip() == PLAINTEXT
    as_json = json.loads(cli("get", "secrets", key, "--reveal", "--json").stdout)
    assert as_json["value"] == PLAINTEXT and as_json["is_encrypted"] is True

    for result in shown:
        assert PLAINTEXT not in result.output
        assert secret_key not in result.output and other_key not in result.output
    assert PLAINTEXT not in caplog.text and secret_key not in caplog.text


def test_a_secret_can_come_from_stdin(cli, engine, written) -> None:
    key = _name("vendor.key-")
    written.append(("secrets", key))

    result = cli("set", "secrets", key, "-", stdin=PLAINTEXT + "\n")
    assert result.exit_code == 0 and PLAINTEXT not in result.output
    assert cli("get", "secrets", key, "--reveal").stdout.strip() == PLAINTEXT


def test_rotate_secrets(cli, engine, written, secret_key) -> None:
    key = _name("vendor.key-")
    written.append(("secrets", key))
    assert cli("set", "secrets", key, PLAINTEXT).exit_code == 0
    new_key = Fernet.generate_key().decode()

    rotated = cli("rotate-secrets", secret=f"{new_key},{secret_key}")
    assert rotated.exit_code == 0, rotated.output
    assert "re-encrypted under the first key" in rotated.stdout
    assert cli("get", "secrets", key, "--reveal", secret=new_key).stdout.strip() == PLAINTEXT
    _refused(cli("get", "secrets", key, "--reveal", secret=secret_key), "cannot be decrypted")


def test_the_socialpipe_command_has_settings(database_url, secret_key, engine, written) -> None:
    key = _name("vendor.key-")
    written.append(("secrets", key))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SOCIALPIPE_SECRET_KEY": secret_key,
    }
    set_result = run_cli("settings", "set", "secrets", key, PLAINTEXT, env=env)
    listed = run_cli("settings", "list", "--category", "secrets", "--json", env=env)
    refused = run_cli("settings", "get", "secrets", "nobody", env=env, check=False)

    assert MASK in set_result.stdout and key in listed.stdout
    assert refused.returncode == 1 and "there is no setting" in refused.stderr
    for result in (set_result, listed, refused):
        assert PLAINTEXT not in result.stdout + result.stderr
