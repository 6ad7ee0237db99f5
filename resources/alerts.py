"""Alerts to the on-call webhook: a short message per failed run or failed blocking check.

The webhook's URL is the encrypted setting alerts/webhook_url (it carries its token).
A delivery is claimed in alert_deliveries first (one per sensor and subject, so a
sensor evaluated again never alerts twice), refused past the per-hour cap, and tried
`retries` more times on a connection error or a 5xx/429 answer, then given up on:
a webhook that is down never fails a run or a sensor. Nothing logged or stored holds
the URL, and messages are built from names, ids and one line of the error, never from
run config; secrets that might appear in that line are masked.
"""

import logging
import os
import re
import time
from dataclasses import dataclass, replace

import httpx
from dagster import ConfigurableResource
from pydantic import Field
from sqlalchemy import Connection, Engine

from resources.settings.categories import ALERTS, WEBHOOK_URL
from resources.settings.store import find_setting, reveal
from resources.sql_files import sql

log = logging.getLogger(__name__)

MASK = "***"
_SECRET_ENV = re.compile(r"(KEY|SECRET|TOKEN|PASSWORD)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
MAX_LINE = 300


@dataclass(frozen=True)
class Alert:
    """What an alert says: the run, its job, the asset(s), the first error line, a link."""

    title: str
    run_id: str
    job_name: str
    assets: tuple[str, ...]
    error_line: str
    link: str

    def text(self) -> str:
        assets = ", ".join(self.assets) or "-"
        return (
            f"{self.title}\nrun {self.run_id} · job {self.job_name} · asset {assets}\n"
            f"{self.error_line}\n{self.link}"
        )


@dataclass(frozen=True)
class Delivery:
    status: str  # sent | failed | capped | no_webhook | duplicate
    attempts: int = 0
    error: str | None = None


def first_line(message: str | None) -> str:
    """The first non-empty line of an error, secrets masked, at most MAX_LINE characters."""
    line = next((part.strip() for part in (message or "").splitlines() if part.strip()), "")
    line = _URL_PASSWORD.sub(rf"\1{MASK}@", line)
    for value in known_secrets():
        if value and len(value) >= 6:
            line = line.replace(value, MASK)
    return line[:MAX_LINE] or "(no error message)"


def known_secrets() -> list[str]:
    """Values of the environment's secret-looking variables (API keys, passwords)."""
    return [value for name, value in os.environ.items() if _SECRET_ENV.search(name) and value]


def webhook_url(conn: Connection) -> str | None:
    setting = find_setting(conn, ALERTS, WEBHOOK_URL)
    return None if setting is None else str(reveal(setting))


class AlertsResource(ConfigurableResource):
    """How alerts are delivered (the webhook URL itself is a setting, alerts/webhook_url)."""

    ui_url: str = Field(
        default="http://127.0.0.1:3000", description="The Dagster UI's address, for links."
    )
    max_per_hour: int = Field(default=20, ge=1, description="Alerts sent per hour at most.")
    retries: int = Field(default=3, ge=0, le=10, description="Tries after the first one.")
    retry_wait_seconds: float = Field(default=1.0, ge=0, description="First wait; doubles.")
    timeout_seconds: float = Field(default=5.0, gt=0, description="Per try.")

    def run_link(self, run_id: str) -> str:
        return f"{self.ui_url.rstrip('/')}/runs/{run_id}"

    def send(self, engine: Engine, sensor_name: str, subject: str, alert: Alert) -> Delivery:
        return deliver(engine, sensor_name, subject, alert, self)


def deliver(
    engine: Engine, sensor_name: str, subject: str, alert: Alert, settings: AlertsResource
) -> Delivery:
    """Claim, cap, post with retries; the outcome is recorded on the claimed row."""
    with engine.begin() as conn:
        claimed = conn.execute(
            sql("alerts/claim_delivery"), {"sensor_name": sensor_name, "subject": subject}
        ).scalar()
        if claimed is None:
            return Delivery("duplicate")
        url = webhook_url(conn)
        sent = conn.execute(sql("alerts/sent_in_last_hour")).scalar()
    if url is None:
        outcome = Delivery("no_webhook")
    elif sent >= settings.max_per_hour:
        outcome = Delivery("capped", error=f"{sent} alert(s) in the last hour")
    else:
        alert = replace(alert, error_line=alert.error_line.replace(url, MASK))
        outcome = _post(url, alert, settings)
    with engine.begin() as conn:
        conn.execute(
            sql("alerts/finish_delivery"),
            {
                "id": claimed,
                "status": outcome.status,
                "attempts": outcome.attempts,
                "error": outcome.error,
            },
        )
    log.info("alert %s/%s: %s", sensor_name, subject, outcome.status)
    return outcome


def _post(url: str, alert: Alert, settings: AlertsResource) -> Delivery:
    # Slack-style {"text": ...} plus the fields, for receivers that parse them
    payload = {
        "text": alert.text(),
        "title": alert.title,
        "run_id": alert.run_id,
        "job": alert.job_name,
        "assets": list(alert.assets),
        "error": alert.error_line,
        "link": alert.link,
    }
    error = None
    wait = settings.retry_wait_seconds
    attempts = 0
    with httpx.Client(timeout=settings.timeout_seconds) as client:
        for attempts in range(1, settings.retries + 2):
            try:
                response = client.post(url, json=payload)
            except httpx.HTTPError as exc:
                # the exception's text names the URL, and so its token: the type alone
                error = f"{type(exc).__name__}"
            else:
                if response.status_code < 400:
                    return Delivery("sent", attempts)
                error = f"HTTP {response.status_code}"
                if response.status_code != 429 and response.status_code < 500:
                    break  # the receiver refuses this message: trying again changes nothing
            if attempts <= settings.retries:
                time.sleep(wait)
                wait *= 2
    return Delivery("failed", attempts, error)
