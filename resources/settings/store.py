"""Reading and writing system_settings rows (one category/key each).

Writers take a Connection inside the caller's transaction: `set_setting` locks the
row, refuses a readonly one, validates, encrypts a secret, then upserts. Nothing here
logs or raises a secret's value; `Setting.shown` is what may be printed.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, RowMapping

from core.placements import Placement, with_overrides
from resources.settings import categories, secrets
from resources.settings.errors import (
    InvalidSettingError,
    ReadonlySettingError,
    SettingNotFoundError,
)
from resources.settings.values import check_bounds, check_data_type, parse_text, to_json
from resources.sql_files import sql

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    category: str
    key: str
    # as stored: for an encrypted setting, the Fernet token
    value: object = field(repr=False)
    data_type: str
    description: str | None = None
    is_encrypted: bool = False
    is_readonly: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def name(self) -> str:
        return f"{self.category}/{self.key}"

    @property
    def shown(self) -> object:
        """The value as it may be printed: a mask for an encrypted one."""
        return secrets.MASK if self.is_encrypted else self.value

    def as_dict(self, value: object | None = None) -> dict[str, object]:
        """JSON-ready; `value` replaces the shown one (a revealed secret)."""
        return {
            "category": self.category,
            "key": self.key,
            "value": self.shown if value is None else value,
            "data_type": self.data_type,
            "description": self.description,
            "is_encrypted": self.is_encrypted,
            "is_readonly": self.is_readonly,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def _setting(row: RowMapping) -> Setting:
    return Setting(
        category=row["category"],
        key=row["setting_key"],
        value=row["setting_value"],
        data_type=row["data_type"],
        description=row["description"],
        is_encrypted=row["is_encrypted"],
        is_readonly=row["is_readonly"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _params(category: str, key: str) -> dict[str, str]:
    return {"category": category, "setting_key": key}


def find_setting(conn: Connection, category: str, key: str) -> Setting | None:
    row = conn.execute(sql("settings/get_setting"), _params(category, key)).mappings().first()
    return None if row is None else _setting(row)


class WholeNumberSettingError(ValueError):
    """A setting that counts something (categories.WHOLE_NUMBER_KEYS) holds something
    else: written around `set_setting`, which refuses it."""


def whole_number(conn: Connection, category: str, key: str, absent: int | None) -> int | None:
    """A counting setting: its whole number (at least 1), None when it is null, ``absent``
    when there is no such row."""
    setting = find_setting(conn, category, key)
    if setting is None:
        return absent
    value = setting.value
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        unit, null_means = categories.WHOLE_NUMBER_KEYS[key]
        raise WholeNumberSettingError(
            f"system_settings {category}/{key} = {value!r}: must be a whole number of {unit}, "
            f"at least 1 (or null {null_means})"
        )
    return value


def get_setting(conn: Connection, category: str, key: str) -> Setting:
    found = find_setting(conn, category, key)
    if found is None:
        raise SettingNotFoundError(f"there is no setting {category}/{key}")
    return found


def list_settings(conn: Connection, category: str | None = None) -> list[Setting]:
    rows = conn.execute(sql("settings/list_settings"), {"category": category}).mappings()
    return [_setting(row) for row in rows]


def category_values(conn: Connection, category: str) -> dict[str, object]:
    """{key: value} of a category's plain settings, as the pipeline reads them
    (encrypted ones are left out: they are read one by one, with the key)."""
    return {s.key: s.value for s in list_settings(conn, category) if not s.is_encrypted}


def placements(conn: Connection) -> tuple[Placement, ...]:
    """The placements file with the `placements` settings applied (core/placements.py)."""
    return with_overrides(category_values(conn, "placements"))


def reveal(setting: Setting, environ: Mapping[str, str] | None = None) -> object:
    """The setting's real value: decrypted when it is encrypted (needs the key)."""
    if not setting.is_encrypted:
        return setting.value
    return secrets.decrypt(setting.value, setting.name, environ)


def set_setting(
    conn: Connection,
    category: str,
    key: str,
    value: object,
    *,
    data_type: str | None = None,
    secret: bool = False,
    description: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Setting:
    """Insert or replace one setting; refused (nothing written) when readonly or invalid.

    `data_type` defaults to the category's, else the stored row's, else string. A
    setting is encrypted when its category is `secrets`, when `secret` is asked for, or
    when it already was: a secret is never turned back into plain text by a `set`.
    """
    categories.check_names(category, key)
    if data_type is not None:
        check_data_type(data_type)
    current = conn.execute(sql("settings/lock_setting"), _params(category, key)).mappings().first()
    if current is not None and current["is_readonly"]:
        raise ReadonlySettingError(_readonly_message(category, key))
    rules = categories.RULES.get(category)
    if secret and rules is not None and not rules.encrypted:
        raise InvalidSettingError(
            f"{category}/{key}: {category} settings cannot be encrypted; "
            "the pipeline reads them as plain JSON"
        )
    kind = categories.data_type_for(
        category, data_type, current["data_type"] if current is not None else None
    )
    stored = categories.normalize(category, key, value, kind)
    try:
        check_bounds(stored)
        check_bounds(description)
    except InvalidSettingError as error:
        raise InvalidSettingError(f"{category}/{key}: {error}") from None
    encrypted = (
        secret
        or (rules is not None and rules.encrypted)
        or (current is not None and current["is_encrypted"])
    )
    if encrypted:
        stored = secrets.encrypt(stored, environ)
    row = (
        conn.execute(
            sql("settings/upsert_setting"),
            {
                **_params(category, key),
                "setting_value": to_json(stored),
                "description": description,
                "data_type": kind,
                "is_encrypted": encrypted,
            },
        )
        .mappings()
        .first()
    )
    if row is None:  # made readonly by someone else since the lock was taken
        raise ReadonlySettingError(_readonly_message(category, key))
    log.info("setting %s/%s set (%s%s)", category, key, kind, ", encrypted" if encrypted else "")
    return _setting(row)


def set_text(
    conn: Connection,
    category: str,
    key: str,
    text: str,
    *,
    data_type: str | None = None,
    secret: bool = False,
    description: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Setting:
    """`set_setting` from what a person typed, read as the type the setting will have."""
    categories.check_names(category, key)
    current = find_setting(conn, category, key)
    kind = categories.data_type_for(
        category, data_type, current.data_type if current is not None else None
    )
    try:
        value = parse_text(text, kind)
    except InvalidSettingError as error:
        raise InvalidSettingError(f"{category}/{key}: {error}") from None
    return set_setting(
        conn,
        category,
        key,
        value,
        data_type=kind,
        secret=secret,
        description=description,
        environ=environ,
    )


def delete_setting(conn: Connection, category: str, key: str) -> None:
    current = get_setting(conn, category, key)
    if current.is_readonly:
        raise ReadonlySettingError(_readonly_message(category, key))
    if conn.execute(sql("settings/delete_setting"), _params(category, key)).first() is None:
        raise ReadonlySettingError(_readonly_message(category, key))
    log.info("setting %s/%s deleted", category, key)


def secret_value(
    conn: Connection, key: str, environ: Mapping[str, str] | None = None
) -> str | None:
    """The decrypted `secrets/<key>`, or None when there is no such secret."""
    found = find_setting(conn, categories.SECRETS, key)
    if found is None:
        return None
    value = reveal(found, environ)
    if not isinstance(value, str):
        raise InvalidSettingError(f"{found.name} does not hold a string")
    return value


def rotate_secrets(conn: Connection, environ: Mapping[str, str] | None = None) -> int:
    """Re-encrypt every encrypted setting under the first key; returns how many.

    All or nothing: one token that no key opens refuses the whole rotation.
    """
    rows = conn.execute(sql("settings/encrypted_settings")).mappings().all()
    for row in rows:
        name = f"{row['category']}/{row['setting_key']}"
        token = secrets.rotate(row["setting_value"], name, environ)
        conn.execute(
            sql("settings/replace_token"),
            {**_params(row["category"], row["setting_key"]), "setting_value": to_json(token)},
        )
    log.info("%d encrypted setting(s) re-encrypted under the first key", len(rows))
    return len(rows)


def _readonly_message(category: str, key: str) -> str:
    return f"{category}/{key} is readonly; it cannot be changed or deleted"
