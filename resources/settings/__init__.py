"""system_settings: typed per category, secrets encrypted at rest (no Dagster here).

with engine.begin() as conn:
    set_setting(conn, "pricing", "freepik.mystic", {"per_image": 0.02, "currency": "USD"})
    set_setting(conn, "secrets", "freepik.api_key", "sk-…")   # needs SOCIALPIPE_SECRET_KEY
    secret_value(conn, "freepik.api_key")                      # → "sk-…"
"""

from resources.settings.categories import BUDGET_KEYS, BUDGETS, PRICING, RULES, SECRETS
from resources.settings.errors import (
    InvalidSettingError,
    ReadonlySettingError,
    SecretKeyError,
    SettingNotFoundError,
    SettingsError,
)
from resources.settings.secrets import KEY_ENV, MASK
from resources.settings.store import (
    Setting,
    category_values,
    delete_setting,
    find_setting,
    get_setting,
    list_settings,
    placements,
    reveal,
    rotate_secrets,
    secret_value,
    set_setting,
    set_text,
)
from resources.settings.values import DATA_TYPES, parse_text

__all__ = [
    "BUDGETS",
    "BUDGET_KEYS",
    "DATA_TYPES",
    "KEY_ENV",
    "MASK",
    "PRICING",
    "RULES",
    "SECRETS",
    "InvalidSettingError",
    "ReadonlySettingError",
    "SecretKeyError",
    "Setting",
    "category_values",
    "SettingNotFoundError",
    "SettingsError",
    "delete_setting",
    "find_setting",
    "get_setting",
    "list_settings",
    "parse_text",
    "placements",
    "reveal",
    "rotate_secrets",
    "secret_value",
    "set_setting",
    "set_text",
]
