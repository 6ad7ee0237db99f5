"""Partition windows: the UTC days an analytics run covers. No Dagster."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True)
class Window:
    """A partition window [start, end) in UTC; a day, or a range of days in one run."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for bound in (self.start, self.end):
            if bound.tzinfo is None or bound.utcoffset() != timedelta(0):
                raise ValueError(f"partition bounds must be UTC datetimes, got {bound!r}")
        if self.end <= self.start:
            raise ValueError(f"empty window: {self.start} .. {self.end}")

    @classmethod
    def days(cls, first: date, last: date) -> "Window":
        """The days ``first`` to ``last``, both included."""
        start = datetime.combine(first, datetime.min.time(), UTC)
        return cls(start, datetime.combine(last, datetime.min.time(), UTC) + timedelta(days=1))

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def end_day(self) -> date:
        """The day after the window (exclusive bound)."""
        return self.end.date()

    @property
    def day_count(self) -> int:
        return (self.end_day - self.first_day).days

    def parameters(self) -> dict[str, datetime]:
        return {"partition_start": self.start, "partition_end": self.end}

    def widened_to(self, period: str | None) -> "Window":
        """The whole calendar periods ("week": ISO Monday..Sunday, "month") the window
        touches; itself when ``period`` is None."""
        if period is None:
            return self
        last = self.end_day - timedelta(days=1)
        if period == "week":
            first = self.first_day - timedelta(days=self.first_day.weekday())
            after = last + timedelta(days=7 - last.weekday())
        else:
            first = self.first_day.replace(day=1)
            after = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
        return Window.days(first, after - timedelta(days=1))

    def __str__(self) -> str:
        last = self.end_day - timedelta(days=1)
        if last == self.first_day:
            return self.first_day.isoformat()
        return f"{self.first_day} .. {last} ({self.day_count} days)"
