"""Setting values per data_type: parsed from command-line text, checked, made JSON.

The messages never repeat the value: the same code parses secrets.
"""

import json
import math
from decimal import Decimal, InvalidOperation

from resources.input_files import nesting_depth
from resources.settings.errors import InvalidSettingError

DATA_TYPES = ("string", "integer", "decimal", "boolean", "json")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
# jsonb keeps any numeric exactly, but values travel through Python floats: a decimal
# is accepted only when its float prints back as the same number
_FLOAT_DIGITS = 15
# settings are configuration, read by every run: small and shallow
MAX_DEPTH = 32
MAX_VALUE_BYTES = 64 * 1024


def check_data_type(data_type: str) -> str:
    if data_type not in DATA_TYPES:
        raise InvalidSettingError(
            f"unknown data type {data_type!r}; use one of {', '.join(DATA_TYPES)}"
        )
    return data_type


def parse_text(text: str, data_type: str) -> object:
    """What a person typed → the value of that type (still to be checked by `coerce`)."""
    check_data_type(data_type)
    if data_type == "string":
        return text
    if data_type == "integer":
        try:
            return int(text.strip())
        except ValueError:
            raise InvalidSettingError("the value is not an integer (e.g. 42)") from None
    if data_type == "decimal":
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            raise InvalidSettingError("the value is not a decimal number (e.g. 0.004)") from None
    if data_type == "boolean":
        word = text.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise InvalidSettingError("the value is not a boolean (true/false, yes/no, on/off, 1/0)")
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise InvalidSettingError(f"the value nests {depth} levels deep; at most {MAX_DEPTH}")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        # the decoder's message gives a position, never the text itself
        raise InvalidSettingError(
            f"the value is not valid JSON: {error.msg} at char {error.pos}"
        ) from None
    except ValueError as error:
        raise InvalidSettingError(str(error)) from None


def check_bounds(value: object) -> None:
    """Refuse what PostgreSQL or the pipeline cannot hold: a NUL character or text that
    is not Unicode anywhere in the value, nesting beyond MAX_DEPTH, more than
    MAX_VALUE_BYTES of JSON. Iterative, so a deep value cannot exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise InvalidSettingError(f"the value nests more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            pending += [(key, depth) for key in item]
            pending += [(child, depth + 1) for child in item.values()]
        elif isinstance(item, list | tuple):
            pending += [(child, depth + 1) for child in item]
        elif isinstance(item, str):
            if "\x00" in item:
                raise InvalidSettingError("the value holds a NUL character, which cannot be stored")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidSettingError(
                    "the value holds text that is not valid Unicode"
                ) from None
    size = len(to_json(value).encode("utf-8"))
    if size > MAX_VALUE_BYTES:
        raise InvalidSettingError(
            f"the value is {size:,} bytes of JSON; at most {MAX_VALUE_BYTES:,}"
        )


def coerce(value: object, data_type: str) -> object:
    """`value` checked against `data_type`, as the JSON-ready value to store."""
    check_data_type(data_type)
    if data_type == "string":
        if not isinstance(value, str):
            raise InvalidSettingError(f"a string setting needs a string, got {_kind(value)}")
        return value
    if data_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidSettingError(f"an integer setting needs an integer, got {_kind(value)}")
        return value
    if data_type == "decimal":
        return _number(value)
    if data_type == "boolean":
        if not isinstance(value, bool):
            raise InvalidSettingError(f"a boolean setting needs true or false, got {_kind(value)}")
        return value
    try:
        return json.loads(to_json(value))
    except (TypeError, ValueError):
        raise InvalidSettingError(
            f"a json setting needs plain JSON data (objects, arrays, strings, finite numbers, "
            f"booleans, null), got {_kind(value)}"
        ) from None


def to_json(value: object) -> str:
    """The JSON text stored in setting_value (Decimals as numbers, no NaN)."""
    return json.dumps(value, default=_plain_number, allow_nan=False, ensure_ascii=False)


def _number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidSettingError(f"a decimal setting needs a number, got {_kind(value)}")
    if isinstance(value, int):
        return value
    return _plain_number(value)


def _plain_number(value: object) -> int | float:
    if not isinstance(value, Decimal | float):
        raise TypeError(f"{type(value).__name__} is not JSON")
    number = Decimal(value) if isinstance(value, float) else value
    if not number.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
        raise InvalidSettingError("the number must be finite")
    if number == number.to_integral_value() and abs(number) < 2**53:
        return int(number)
    as_float = float(value)
    if isinstance(value, Decimal) and Decimal(repr(as_float)) != value:
        raise InvalidSettingError(
            f"the number has more than {_FLOAT_DIGITS} significant digits; round it"
        )
    return as_float


def _refuse_constant(_name: str) -> object:
    raise ValueError("the value is not valid JSON: it holds a non-finite number")


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
