"""Platform metrics export files: parse and validate, row by row. No Dagster.

A folder receives the platforms' daily exports, as CSV (with a header) or JSON lines
(`.jsonl`/`.ndjson`, one object per line), with these columns:

    external_post_id, platform, date, impressions, views, likes, shares, comments,
    saves, clicks, published_at            (+ optional generated_asset_id)

`date` is the measured UTC day (YYYY-MM-DD); `published_at` an ISO timestamp (UTC when
it has no offset) or empty. Optional `period` must be `daily` (the table's period
rows are computed, never loaded) and optional `currency` an ISO 4217 code.
`impressions` is required; the other counts may be empty when a platform does not
report them (0). A row that cannot be loaded as it stands is
*malformed*: it is counted, reported with its file, line and reason, and skipped; the
rest of the file still loads. The same post, platform and day in several rows: the
last one read wins (files in name order, lines in file order).

Nothing in a file can fail the day: text that is not UTF-8 (a latin-1 export), a
binary file, a field past the size limit, JSON nested too deeply or an unknown
currency or period is a malformed row (or file) with its reason; the rest loads.
"""

import csv
import io
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

COUNT_FIELDS = ("impressions", "views", "likes", "shares", "comments", "saves", "clicks")
FIELDS = ("external_post_id", "platform", "date", *COUNT_FIELDS, "published_at")
OPTIONAL_FIELDS = ("generated_asset_id", "period", "currency")
REQUIRED_FIELDS = ("external_post_id", "platform", "date", "impressions")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
PLATFORM = re.compile(r"^[a-z0-9_]{1,32}$")
WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+(\.0*)?$")
MAX_POST_ID = 200  # content_analytics.external_post_id varchar(200)
MAX_COUNT = 2**63 - 1  # bigint
MAX_FIELD = 4096  # characters: no field of the format is longer; a longer one is malformed
MAX_SHOWN = 40  # characters of a bad value quoted in a reason
PERIODS = ("daily",)
# ISO 4217 codes in use (2026); an export naming another currency is malformed
CURRENCIES = frozenset(
    {
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    }
)


@dataclass(frozen=True)
class MetricRow:
    external_post_id: str
    platform: str
    date: date
    impressions: int
    views: int
    likes: int
    shares: int
    comments: int
    saves: int
    clicks: int
    published_at: datetime | None
    generated_asset_id: uuid.UUID | None
    source: str  # file:line, for reports

    @property
    def interactions(self) -> int:
        return self.likes + self.shares + self.comments + self.saves


@dataclass(frozen=True)
class Malformed:
    source: str
    reason: str


@dataclass
class MetricsBatch:
    """What the export files hold for one window of days."""

    rows: list[MetricRow] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    superseded: int = 0  # rows replaced by a later row for the same post and day


class RowError(ValueError):
    pass


def read_exports(
    folder: Path, first_day: date, end_day: date, *, only: str | None = None
) -> MetricsBatch:
    """Rows measured on days in [first_day, end_day), from every export in ``folder``
    (or from the file named ``only``).

    Malformed rows are reported when their day is in the window, or when their day
    cannot be read at all (so that a broken row is never silently ignored).
    """
    batch = MetricsBatch()
    latest: dict[tuple[str, str, date], MetricRow] = {}
    folder = Path(folder)
    paths = sorted(
        p
        for p in folder.glob("*")
        if p.suffix.lower() in SUFFIXES and p.is_file() and only in (None, p.name)
    )
    for path in paths:
        batch.files.append(path.name)
        for source, record in _records(path):
            if isinstance(record, Malformed):
                batch.malformed.append(record)
                continue
            day = _day_or_none(record.get("date"))
            if day is not None and not first_day <= day < end_day:
                continue
            try:
                row = parse_record(record, source)
            except RowError as error:
                batch.malformed.append(Malformed(source, str(error)))
                continue
            key = (row.platform, row.external_post_id, row.date)
            if key in latest:
                batch.superseded += 1
            latest[key] = row
    batch.rows = list(latest.values())
    return batch


def _records(path: Path) -> Iterator[tuple[str, Mapping[str, object] | Malformed]]:
    kind = SUFFIXES[path.suffix.lower()]
    try:
        data = path.read_bytes()
    except OSError as error:
        yield path.name, Malformed(path.name, f"cannot read the file: {error.strerror}")
        return
    if b"\x00" in data[:8192]:
        yield path.name, Malformed(path.name, "a binary file, not CSV or JSON lines text")
        return
    # undecodable bytes stay in the text as surrogates, so that one latin-1 line is one
    # malformed row (found by _not_utf8) and the lines around it still read
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    handle = io.StringIO(text, newline="")
    records = _csv_records(path, handle) if kind == "csv" else _jsonl_records(path, handle)
    for source, record in records:
        if not isinstance(record, Malformed):
            problem = _not_utf8(record)
            if problem:
                record = Malformed(source, problem)
        yield source, record


def _not_utf8(record: Mapping[str, object]) -> str | None:
    for key, value in record.items():
        for text in (key, value):
            if isinstance(text, str) and _has_surrogates(text):
                return f"field {_shown(key)} is not UTF-8 text (an export in another encoding?)"
    return None


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _shown(value: object) -> str:
    """A value as quoted in a reason: repr, cut to MAX_SHOWN characters."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _csv_records(path: Path, handle) -> Iterator[tuple[str, Mapping[str, object] | Malformed]]:
    reader = csv.DictReader(handle)
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error as error:
        yield f"{path.name}:1", Malformed(f"{path.name}:1", f"unreadable header: {error}")
        return
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    line = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a field past csv.field_size_limit()
            # the reader's line count stops where the bad field began
            line += 1
            source = f"{path.name}:{line}"
            yield source, Malformed(source, f"not CSV: {error}")
            continue
        line = reader.line_num
        source = f"{path.name}:{line}"
        if missing:
            yield source, Malformed(source, f"the file has no column {', '.join(missing)}")
        elif None in record:  # more fields than the header names
            yield source, Malformed(source, "more fields than the header has columns")
        else:
            yield source, {str(key).strip().lower(): value for key, value in record.items()}


def _jsonl_records(path: Path, handle) -> Iterator[tuple[str, Mapping[str, object] | Malformed]]:
    for number, line in enumerate(handle, start=1):
        source = f"{path.name}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield source, Malformed(source, f"not JSON: {error.msg}")
            continue
        except RecursionError:
            yield source, Malformed(source, "JSON nested too deeply")
            continue
        if not isinstance(record, dict):
            yield source, Malformed(source, "a line must be a JSON object")
            continue
        yield source, {str(key).strip().lower(): value for key, value in record.items()}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _day_or_none(value: object) -> date | None:
    try:
        return _day(value)
    except RowError:
        return None


def _day(value: object) -> date:
    if _blank(value):
        raise RowError("date is missing")
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise RowError(f"date {_shown(value)} is not YYYY-MM-DD") from error


def _count(name: str, value: object, required: bool) -> int:
    if _blank(value):
        if required:
            raise RowError(f"{name} is missing")
        return 0
    if isinstance(value, bool):
        raise RowError(f"{name} {_shown(value)} is not a count")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.match(value.strip()):
        # "1200" or, from spreadsheets, "1200.0"
        number = int(value.strip().split(".")[0])
    else:
        raise RowError(f"{name} {_shown(value)} is not a whole number")
    if number < 0:
        raise RowError(f"{name} {_shown(value)} is negative")
    if number > MAX_COUNT:
        raise RowError(f"{name} {_shown(value)} is too large")
    return number


def _timestamp(value: object) -> datetime | None:
    if _blank(value):
        return None
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise RowError(f"published_at {_shown(value)} is not an ISO timestamp") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_sizes(record: Mapping[str, object]) -> None:
    for key, value in record.items():
        if isinstance(value, str) and len(value) > MAX_FIELD:
            raise RowError(f"field {_shown(key)} is {len(value)} characters (at most {MAX_FIELD})")
        if isinstance(value, dict | list) and key in (*FIELDS, *OPTIONAL_FIELDS):
            raise RowError(f"{key} is a JSON {type(value).__name__}, not a value")


def _check_period_and_currency(record: Mapping[str, object]) -> None:
    period = record.get("period")
    if not _blank(period) and str(period).strip().lower() not in PERIODS:
        raise RowError(
            f"period {_shown(period)} is unknown: exports hold daily figures only "
            "(weekly and monthly rows are computed from them)"
        )
    currency = record.get("currency")
    if not _blank(currency) and str(currency).strip().upper() not in CURRENCIES:
        raise RowError(f"currency {_shown(currency)} is not an ISO 4217 currency code")


def parse_record(record: Mapping[str, object], source: str) -> MetricRow:
    """One export record as a MetricRow, or RowError saying why it cannot load."""
    _check_sizes(record)
    _check_period_and_currency(record)
    post_id = record.get("external_post_id")
    if _blank(post_id):
        raise RowError("external_post_id is missing")
    post_id = str(post_id).strip()
    if len(post_id) > MAX_POST_ID:
        raise RowError(f"external_post_id is longer than {MAX_POST_ID} characters")
    platform = record.get("platform")
    if _blank(platform):
        raise RowError("platform is missing")
    platform = str(platform).strip().lower()
    if not PLATFORM.match(platform):
        raise RowError(f"platform {_shown(record.get('platform'))} is not a platform name")
    counts = {
        name: _count(name, record.get(name), name in REQUIRED_FIELDS) for name in COUNT_FIELDS
    }
    interactions = counts["likes"] + counts["shares"] + counts["comments"] + counts["saves"]
    # rates are shares of impressions: more interactions (or clicks) than impressions is
    # an export error, and would give a rate above 1
    if interactions > counts["impressions"]:
        raise RowError(
            f"{interactions} likes+shares+comments+saves exceed {counts['impressions']} impressions"
        )
    if counts["clicks"] > counts["impressions"]:
        raise RowError(f"{counts['clicks']} clicks exceed {counts['impressions']} impressions")
    asset_id = record.get("generated_asset_id")
    if _blank(asset_id):
        asset_id = None
    else:
        try:
            asset_id = uuid.UUID(str(asset_id).strip())
        except ValueError as error:
            raise RowError(f"generated_asset_id {_shown(asset_id)} is not a UUID") from error
    return MetricRow(
        external_post_id=post_id,
        platform=platform,
        date=_day(record.get("date")),
        published_at=_timestamp(record.get("published_at")),
        generated_asset_id=asset_id,
        source=source,
        **counts,
    )
