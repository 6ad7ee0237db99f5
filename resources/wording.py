"""Counts in words, as every summary prints them."""


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`1 image`, `2 images`, `1,204 requests` (irregular plurals passed in)."""
    word = noun if count == 1 else (plural_form or f"{noun}s")
    return f"{count:,} {word}"
