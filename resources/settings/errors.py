"""Why a settings operation was refused.

Every message names the setting ("category/key") and the reason, and never
contains a secret's value: callers print these as they are.
"""


class SettingsError(ValueError):
    """A refused settings operation; `str(error)` is a one-line reason for a person."""


class SettingNotFoundError(SettingsError, LookupError):
    """No row with that category and key."""


class ReadonlySettingError(SettingsError):
    """The row is marked is_readonly: nothing may change or delete it."""


class InvalidSettingError(SettingsError):
    """The key, the value or its data type is not acceptable for the category."""


class SecretKeyError(SettingsError):
    """SOCIALPIPE_SECRET_KEY is missing, malformed, or cannot decrypt a stored secret."""
