"""Validate a pandas DataFrame with great-expectations 1.x. No Dagster.

great_expectations takes about 5 s to import, so it is imported inside `validate`
(the asset checks call it), never when the definitions load. Validations share one
ephemeral, in-memory context per process, and one pandas data source per suite in it
(building them cost more than validating a day's rows): nothing is written to disk, no
analytics are sent.
"""

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd

from assets.analytics.models import Expectation


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: Expectation
    success: bool
    unexpected_count: int | None
    examples: list
    error: str | None = None


@dataclass(frozen=True)
class Validation:
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    def markdown(self) -> str:
        lines = ["| expectation | result | unexpected | examples |", "| --- | --- | ---: | --- |"]
        for outcome in self.outcomes:
            result = "passed" if outcome.success else ("error" if outcome.error else "FAILED")
            examples = outcome.error or ", ".join(_shown(value) for value in outcome.examples[:5])
            lines.append(
                f"| `{outcome.expectation.describe()}` | {result} | "
                f"{'' if outcome.unexpected_count is None else outcome.unexpected_count} | "
                f"{examples.replace('|', '/')} |"
            )
        return "\n".join(lines)


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_shown(item) for item in value) + ")"
    return str(value.item() if hasattr(value, "item") else value)


def class_name(expectation_type: str) -> str:
    """expect_column_values_to_not_be_null → ExpectColumnValuesToNotBeNull."""
    return "".join(part.capitalize() for part in expectation_type.split("_"))


def with_derived_columns(frame: pd.DataFrame, derived: Mapping[str, str]) -> pd.DataFrame:
    """Add the columns a model's yml derives (pandas expressions over its columns)."""
    frame = numeric_columns(frame)
    for name, expression in derived.items():
        frame[name] = frame.eval(expression) if len(frame) else pd.Series(dtype="float64")
    return frame


def numeric_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """PostgreSQL numeric arrives as Decimal objects: make those columns floats for GX."""
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object:
            values = frame[name].dropna()
            if len(values) and all(type(value).__name__ == "Decimal" for value in values):
                frame[name] = frame[name].astype("float64")
    return frame


def validate(
    frame: pd.DataFrame, expectations: Sequence[Expectation], suite_name: str
) -> Validation:
    """Run the expectations against ``frame`` (an empty frame passes what it can)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    with _LOCK:
        return _validate(gx, gxe, frame, expectations, suite_name)


# the context's stores are plain dicts: one validation at a time per process
_LOCK = threading.Lock()


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    return gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            store_backend_defaults=InMemoryStoreBackendDefaults(),
        ),
    )


@cache
def _batch_definition(suite_name: str):
    """A whole-dataframe batch definition of the suite's own data source, made once."""
    return (
        _context()
        .data_sources.add_pandas(suite_name)
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe(suite_name)
    )


def _validate(
    gx, gxe, frame: pd.DataFrame, expectations: Sequence[Expectation], suite_name: str
) -> Validation:
    batch_definition = _batch_definition(suite_name)
    suite = gx.ExpectationSuite(name=suite_name)
    outcomes: list[tuple[int, ExpectationOutcome]] = []
    for index, expectation in enumerate(expectations):
        cls = getattr(gxe, class_name(expectation.type), None)
        if cls is None:
            outcome = ExpectationOutcome(expectation, False, None, [], "no such GX expectation")
            outcomes.append((index, outcome))
            continue
        try:
            # meta carries the position back: GX does not promise to keep the order
            suite.add_expectation(cls(**expectation.kwargs, meta={"index": index}))
        except Exception as error:  # GX validates arguments with pydantic
            outcome = ExpectationOutcome(expectation, False, None, [], str(error)[:200])
            outcomes.append((index, outcome))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": numeric_columns(frame)})
    result = batch.validate(suite)
    for evaluated in result.results:
        index = int(evaluated.expectation_config.meta["index"])
        details = evaluated.result or {}
        error = None
        if evaluated.exception_info and evaluated.exception_info.get("raised_exception"):
            error = str(evaluated.exception_info.get("exception_message"))[:200]
        outcome = ExpectationOutcome(
            expectations[index],
            bool(evaluated.success),
            details.get("unexpected_count"),
            list(details.get("partial_unexpected_list") or [])[:5],
            error,
        )
        outcomes.append((index, outcome))
    outcomes.sort(key=lambda pair: pair[0])
    return Validation(rows=len(frame), outcomes=[outcome for _, outcome in outcomes])
