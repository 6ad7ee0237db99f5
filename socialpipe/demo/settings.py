"""system_settings the demo relies on: prices, default budgets, the history anchor.

Inserted with ``on conflict (category, setting_key) do nothing``: a price or
budget an operator already set is theirs and is never overwritten by the demo.
"""

from datetime import date, timedelta

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import demo_id

# Price per generated image, USD, keyed "<provider>.<model>" as api_usage calls name
# them. Mystic bills when the task is created; polling its status is free; failed
# calls are not billed. api_usage costs use these.
PRICING: dict[str, dict[str, object]] = {
    "freepik.classic-fast": {"per_image": 0.004, "currency": "USD"},
    "freepik.mystic": {"per_image": 0.02, "currency": "USD"},
    "freepik.flux-dev": {"per_image": 0.01, "currency": "USD"},
    "local.pillow": {"per_image": 0, "currency": "USD"},
}

# key -> (value, description); organizations.settings.daily_budget_usd overrides the default
BUDGETS: dict[str, tuple[dict[str, object], str]] = {
    "default.daily": (
        {"daily_budget_usd": 20, "currency": "USD"},
        "Daily provider spend per organization without a budget of its own.",
    ),
    "default.monthly": (
        {"monthly_budget_usd": 400, "currency": "USD"},
        "Monthly provider spend per organization without a budget of its own.",
    ),
    "alerts": (
        {"warn_at_fraction": 0.8, "stop_at_fraction": 1.0},
        "Share of a budget at which to warn, and at which generation stops.",
    ),
}

ANCHOR_CATEGORY, ANCHOR_KEY = "demo", "history_end_date"


def _setting(
    category: str,
    key: str,
    value: object,
    description: str,
    data_type: str = "json",
    readonly: bool = False,
) -> dict[str, object]:
    return {
        "id": demo_id("setting", category, key),
        "category": category,
        "setting_key": key,
        "setting_value": as_json(value),
        "description": description,
        "data_type": data_type,
        "is_readonly": readonly,
    }


def setting_ids() -> list:
    """Ids of every setting the demo writes (for counting what the demo owns)."""
    keys = [("pricing", k) for k in PRICING] + [("budgets", k) for k in BUDGETS]
    return [demo_id("setting", c, k) for c, k in [*keys, (ANCHOR_CATEGORY, ANCHOR_KEY)]]


def stored_history_end(conn: Connection) -> date | None:
    """The last day of demo history as the first load stored it (None: no demo loaded)."""
    stored = conn.execute(
        sql("demo/history_end_date"), {"category": ANCHOR_CATEGORY, "key": ANCHOR_KEY}
    ).scalar_one_or_none()
    return None if stored is None else date.fromisoformat(stored)


def history_end_date(conn: Connection, today: date) -> date:
    """The last day of demo history: stored on the first load, reused ever after.

    Every demo timestamp hangs off this day, so loading again tomorrow rebuilds
    exactly the same rows instead of adding a new day of history.
    """
    proposed = today - timedelta(days=1)
    insert_rows(
        conn,
        sql("demo/insert_setting"),
        [
            _setting(
                ANCHOR_CATEGORY,
                ANCHOR_KEY,
                proposed.isoformat(),
                "Last day of the demo history; fixed by the first load so reloads add nothing.",
                data_type="string",
                readonly=True,
            )
        ],
    )
    stored = stored_history_end(conn)
    if stored is None:  # the insert above stores it unless it was there already
        raise RuntimeError("the demo history's last day is not in system_settings")
    return stored


def insert_settings(conn: Connection) -> None:
    rows = [
        _setting("pricing", key, value, f"Price list for {key} (per generated image).")
        for key, value in PRICING.items()
    ]
    rows += [
        _setting("budgets", key, value, description)
        for key, (value, description) in BUDGETS.items()
    ]
    insert_rows(conn, sql("demo/insert_setting"), rows)
