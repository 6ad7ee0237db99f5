"""Deterministic identities and randomness for the demo data.

Every demo row's id is a uuid5 of a readable name (for example
``("request", "northwind-coffee", 7)``), so loading twice produces the same ids
and ``on conflict (id) do nothing`` turns the second load into a no-op. Random
values come from generators seeded per topic, so changing how one table is
generated does not reshuffle every other table.
"""

import hashlib
import uuid
import zlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

# Any fixed uuid works; this one is only ever used to derive demo ids.
DEMO_NAMESPACE = uuid.UUID("6f1c2a4e-58b3-4c8e-9d2f-0a7be3d51c90")
# Length of the demo history (api_usage, analytics), ending on the anchor day.
HISTORY_DAYS = 90
# One seed for the whole data set; per-topic streams are derived from it.
DEMO_SEED = 20_240_611


def demo_id(*parts: object) -> uuid.UUID:
    """The stable id of the demo row named by ``parts``."""
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(str(part) for part in parts))


def demo_id_strings(names: Iterable[str]) -> list[str]:
    """``str(demo_id(name))`` for many ``"/"``-joined names at once.

    uuid.uuid5 costs a few microseconds per call, which adds up over 200k
    api_usage rows; this is the same computation (sha1 of namespace + name,
    version and variant bits set) with the bit twiddling done by numpy.
    """
    prefix = DEMO_NAMESPACE.bytes
    digests = b"".join(hashlib.sha1(prefix + name.encode()).digest()[:16] for name in names)
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x50  # version 5
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = raw.tobytes().hex()
    return [
        f"{hexed[i : i + 8]}-{hexed[i + 8 : i + 12]}-{hexed[i + 12 : i + 16]}-"
        f"{hexed[i + 16 : i + 20]}-{hexed[i + 20 : i + 32]}"
        for i in range(0, len(hexed), 32)
    ]


def rng_for(topic: str) -> np.random.Generator:
    """A generator of its own for ``topic``, identical on every run.

    crc32 rather than hash(): Python salts str hashes per process.
    """
    return np.random.default_rng([DEMO_SEED, zlib.crc32(topic.encode())])


def at(anchor: date, days_before: float, hour: float = 0.0) -> datetime:
    """A UTC timestamp ``days_before`` days before the anchor day, at ``hour``.

    All demo timestamps hang off the stored anchor (not the wall clock) so a
    reload on another day rebuilds byte-identical rows.
    """
    midnight = datetime.combine(anchor, time(0), tzinfo=UTC)
    return midnight - timedelta(days=days_before) + timedelta(hours=hour)
