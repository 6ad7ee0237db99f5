"""Reading a JSON file a person handed to a command, strictly and within bounds.

Python's json module takes NaN and Infinity, recurses once per nesting level and
reads any size; a file named on the command line gets none of that. Every failure
is an InputFileError naming the file and the reason, never a traceback.
"""

import json
import math
from pathlib import Path

MAX_INPUT_BYTES = 16 * 1024 * 1024
MAX_INPUT_DEPTH = 64


class InputFileError(ValueError):
    """A file that cannot be used as input: the message names it and says why."""


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal} is too large for a number")
    return value


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(text: str, *, max_depth: int = MAX_INPUT_DEPTH) -> object:
    """JSON text → value; ValueError for NaN/Infinity, nesting beyond max_depth, bad syntax."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise ValueError(f"nested {depth} levels deep; at most {max_depth}")
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite)


def read_text_file(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a regular file of at most max_bytes bytes."""
    try:
        if path.exists() and not path.is_file():
            raise InputFileError(f"{path}: not a regular file")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise InputFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise InputFileError(f"{path}: more than {max_bytes:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None


def read_json_file(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> object:
    """The JSON value in a regular file of at most max_bytes UTF-8 bytes."""
    text = read_text_file(path, max_bytes=max_bytes)
    try:
        return parse_json(text)
    except ValueError as error:
        raise InputFileError(f"{path}: not valid JSON ({error})") from None
