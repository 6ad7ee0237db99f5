"""Metrics export files that are broken in the ways real exports break: a latin-1 file,
a binary file, a 200 KB field, JSON nested thousands deep, an unknown currency or
period. Each bad row (or file) is counted as malformed with its reason, nothing
raises, and every good row around it still loads."""

import json
from datetime import date, timedelta
from pathlib import Path

from resources.metrics_exports import MAX_SHOWN, read_exports

HEADER = "external_post_id,platform,date,impressions,likes,clicks,currency,period"
DAY = date(2025, 1, 10)
GOOD = "ig_good,instagram,2025-01-10,1000,40,10,,"


def _read(folder: Path):
    return read_exports(folder, DAY, DAY + timedelta(days=1))


def _reasons(batch) -> dict[str, str]:
    return {m.source: m.reason for m in batch.malformed}


def test_a_latin_1_line_is_one_malformed_row_and_the_rest_load(tmp_path: Path) -> None:
    lines = [
        HEADER,
        GOOD,
        "ig_café,instagram,2025-01-10,500,5,1,,",
        "ig_2,instagram,2025-01-10,9,1,1,,",
    ]
    (tmp_path / "latin.csv").write_bytes("\n".join(lines).encode("latin-1"))
    batch = _read(tmp_path)
    assert sorted(row.external_post_id for row in batch.rows) == ["ig_2", "ig_good"]
    assert _reasons(batch) == {
        "latin.csv:3": "field 'external_post_id' is not UTF-8 text (an export in another encoding?)"
    }


def test_a_binary_file_is_reported_once_and_other_files_load(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "b.csv").write_text(f"{HEADER}\n{GOOD}\n")
    batch = _read(tmp_path)
    assert [row.external_post_id for row in batch.rows] == ["ig_good"]
    assert _reasons(batch) == {"a.csv": "a binary file, not CSV or JSON lines text"}


def test_a_200_kb_field_is_malformed_in_csv_and_json_lines(tmp_path: Path) -> None:
    huge = "x" * 200_000
    (tmp_path / "a.csv").write_text(f'{HEADER}\n"{huge}",instagram,2025-01-10,1,0,0,,\n{GOOD}\n')
    record = {"external_post_id": "tt_1", "platform": "tiktok", "date": "2025-01-10"}
    (tmp_path / "b.jsonl").write_text(
        json.dumps({**record, "impressions": 5, "notes": huge})
        + "\n"
        + json.dumps({**record, "external_post_id": "tt_2", "impressions": huge})
        + "\n"
        + json.dumps({**record, "external_post_id": "tt_ok", "impressions": 7})
        + "\n"
    )
    batch = _read(tmp_path)
    assert sorted(row.external_post_id for row in batch.rows) == ["ig_good", "tt_ok"]
    reasons = _reasons(batch)
    assert reasons["a.csv:2"].startswith("not CSV: field larger than field limit")
    assert reasons["b.jsonl:1"] == "field 'notes' is 200000 characters (at most 4096)"
    assert reasons["b.jsonl:2"] == "field 'impressions' is 200000 characters (at most 4096)"
    # a reason never quotes a huge value whole
    assert all(len(reason) < 200 for reason in reasons.values())


def test_deeply_nested_json_is_malformed_not_a_crash(tmp_path: Path) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    record = {"external_post_id": "x_1", "platform": "x", "date": "2025-01-10"}
    (tmp_path / "a.jsonl").write_text(
        '{"external_post_id": '
        + nested
        + "}\n"
        + json.dumps({**record, "impressions": {"a": {"b": {"c": 1}}}})
        + "\n"
        + json.dumps({**record, "external_post_id": "x_ok", "impressions": 3})
        + "\n"
    )
    batch = _read(tmp_path)
    assert [row.external_post_id for row in batch.rows] == ["x_ok"]
    reasons = _reasons(batch)
    assert reasons["a.jsonl:1"] in ("JSON nested too deeply", "a line must be a JSON object") or (
        reasons["a.jsonl:1"].startswith("external_post_id is a JSON")
    )
    assert reasons["a.jsonl:2"] == "impressions is a JSON dict, not a value"


def test_an_unknown_currency_or_period_is_malformed_and_named(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "\n".join(
            [
                HEADER,
                "ig_1,instagram,2025-01-10,100,1,1,ZZZ,",
                "ig_2,instagram,2025-01-10,100,1,1,,weekly",
                "ig_3,instagram,2025-01-10,100,1,1,EUR,daily",
                GOOD,
            ]
        )
        + "\n"
    )
    batch = _read(tmp_path)
    assert sorted(row.external_post_id for row in batch.rows) == ["ig_3", "ig_good"]
    reasons = _reasons(batch)
    assert reasons["a.csv:2"] == "currency 'ZZZ' is not an ISO 4217 currency code"
    assert reasons["a.csv:3"].startswith("period 'weekly' is unknown: exports hold daily figures")
    assert len(batch.malformed) == 2 and MAX_SHOWN < 100
