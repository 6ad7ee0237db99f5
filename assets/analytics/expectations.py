"""Validate a pandas DataFrame with great-expectations 1.x, or the rows of a SELECT
(`validate_rows`: PostgreSQL evaluates the plain expectations where the rows are, GX
the rest). No Dagster.

great_expectations takes about 5 s to import, so it is imported inside `validate`
(the asset checks call it), never when the definitions load. Validations share one
ephemeral, in-memory context per process, and one pandas data source per suite in it
(building them cost more than validating a day's rows): nothing is written to disk, no
analytics are sent.
"""

import operator
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd
import sqlglot
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    bindparam,
    column,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    text,
)
from sqlglot import exp

from assets.analytics.models import Expectation
from core.tables import markdown_table


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
        rows = []
        for outcome in self.outcomes:
            result = "passed" if outcome.success else ("error" if outcome.error else "FAILED")
            examples = outcome.error or ", ".join(_shown(value) for value in outcome.examples[:5])
            rows.append(
                (f"`{outcome.expectation.describe()}`", result, outcome.unexpected_count, examples)
            )
        return markdown_table(
            ("expectation", "result", "unexpected", "examples"),
            rows,
            limit=None,
            right=("unexpected",),
        )


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


# Expectations PostgreSQL evaluates over the rows where they are, with GX's meaning:
# nulls are not values out of range (GX skips them), a duplicated value or combination
# makes every row holding it unexpected, a combination whose columns are all null is
# not compared, a pair whose two values are both null is not compared (GX's default
# `ignore_row_if`) while one null makes the row unexpected. A pair may name a derived
# column when its expression is plain arithmetic (+, -, * over columns and whole
# numbers: the same in pandas and SQL). Anything else — other kinds, other arguments
# (mostly, strict bounds, ignore_row_if ...), a derived column computed otherwise — is
# validated by GX.
SQL_EXPECTATIONS = {
    "expect_column_values_to_not_be_null": {"column"},
    "expect_column_values_to_be_between": {"column", "min_value", "max_value"},
    "expect_column_values_to_be_unique": {"column"},
    "expect_compound_columns_to_be_unique": {"column_list"},
    "expect_column_pair_values_to_be_equal": {"column_A", "column_B"},
    "expect_column_pair_values_a_to_be_greater_than_b": {"column_A", "column_B", "or_equal"},
}
PAIR_EXPECTATIONS = {
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_a_to_be_greater_than_b",
}
MAX_EXAMPLES = 5
_ARITHMETIC = {exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul}


def _columns_of(expectation: Expectation) -> list[str]:
    kwargs = expectation.kwargs
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs[name] for name in ("column", "column_A", "column_B") if name in kwargs]


def _arithmetic(node: exp.Expression, rows: Subquery, columns: Sequence[str]):
    """The SQL of a derived column's pandas expression, or None unless it is + - * over
    stored columns and whole numbers (where pandas and PostgreSQL agree)."""
    if isinstance(node, exp.Paren):
        return _arithmetic(node.this, rows, columns)
    if isinstance(node, exp.Column) and not node.table and node.name in columns:
        return rows.c[node.name]
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return literal(int(node.this))
    combine = _ARITHMETIC.get(type(node))
    if combine is None:
        return None
    left, right = (_arithmetic(side, rows, columns) for side in (node.this, node.expression))
    return None if left is None or right is None else combine(left, right)


def sql_values(
    rows: Subquery, columns: Sequence[str], derived: Mapping[str, str]
) -> dict[str, ColumnElement]:
    """The values PostgreSQL can give the expectations: the stored columns, and the
    derived columns written as plain arithmetic of them."""
    values: dict[str, ColumnElement] = {name: rows.c[name] for name in columns}
    for name, expression in derived.items():
        try:
            parsed = sqlglot.parse_one(expression)
        except sqlglot.errors.SqlglotError:
            continue
        value = _arithmetic(parsed, rows, columns)
        if value is not None:
            values[name] = value
    return values


def in_database(
    expectation: Expectation, columns: Sequence[str], derived: Mapping[str, str] | None = None
) -> bool:
    """Does PostgreSQL evaluate this one (over rows with ``columns``, and the ``derived``
    columns computed from them)?"""
    allowed = SQL_EXPECTATIONS.get(expectation.type)
    kwargs = expectation.kwargs
    available = set(columns)
    if expectation.type in PAIR_EXPECTATIONS:
        placeholder = select(*(column(name) for name in columns)).subquery("rows")
        available = set(sql_values(placeholder, columns, derived or {}))
    return (
        allowed is not None
        and set(kwargs) <= allowed
        and all(name in available for name in _columns_of(expectation))
        and (
            expectation.type != "expect_column_values_to_be_between"
            or kwargs.get("min_value") is not None
            or kwargs.get("max_value") is not None
        )
    )


def _unexpected(
    expectation: Expectation, values: Mapping[str, ColumnElement], index: int
) -> ColumnElement[bool]:
    """The condition of an unexpected row (a row-by-row expectation); bounds are bound."""
    kwargs = expectation.kwargs
    if expectation.type in PAIR_EXPECTATIONS:
        a, b = values[kwargs["column_A"]], values[kwargs["column_B"]]
        if expectation.type == "expect_column_pair_values_to_be_equal":
            holds = a == b
        else:
            holds = a >= b if kwargs.get("or_equal") else a > b
        return and_(not_(and_(a.is_(None), b.is_(None))), not_(func.coalesce(holds, False)))
    value = values[kwargs["column"]]
    if expectation.type == "expect_column_values_to_not_be_null":
        return value.is_(None)
    outside = []
    for name, beyond in (("min_value", operator.lt), ("max_value", operator.gt)):
        if kwargs.get(name) is not None:
            outside.append(beyond(value, bindparam(f"e{index}_{name}", kwargs[name])))
    return and_(value.is_not(None), or_(*outside))


def _example(expectation: Expectation, values: Mapping[str, ColumnElement]) -> list:
    """What an unexpected row shows: its value, or its pair of values."""
    if expectation.type in PAIR_EXPECTATIONS:
        return [values[expectation.kwargs["column_A"]], values[expectation.kwargs["column_B"]]]
    return [values[expectation.kwargs["column"]]]


def _duplicates(expectation: Expectation, rows: Subquery) -> Subquery:
    """The rows of a duplicated value (or combination), each with its count; a key whose
    columns are all null is not compared."""
    columns = [rows.c[name] for name in _columns_of(expectation)]
    return (
        select(*columns, func.count().label("n"))
        .where(or_(*(value.is_not(None) for value in columns)))
        .group_by(*columns)
        .having(func.count() > 1)
        .subquery("duplicated")
    )


def _subquery(rows: str | Select, columns: Sequence[str]) -> Subquery:
    """The rows to check as a named subquery: a SELECT given as text (its :named
    parameters bound at execution) or built with SQLAlchemy."""
    if isinstance(rows, str):
        rows = text(rows).columns(*(column(name) for name in columns))
    return rows.subquery("checked_rows")


def validate_rows(
    conn: Connection,
    rows: str | Select,
    parameters: Mapping[str, object],
    columns: Sequence[str],
    expectations: Sequence[Expectation],
    derived: Mapping[str, str],
    suite_name: str,
) -> Validation:
    """Validate the rows of the SELECT ``rows`` (its ``columns``, :named ``parameters``):
    what PostgreSQL can evaluate is one aggregate over them (and one grouping per
    uniqueness expectation); the rest is read into pandas, with the ``derived`` columns,
    and validated by GX (`validate`), which is not imported when nothing is left.
    The statements are built with SQLAlchemy from the model's columns (checked when it
    loads): names are quoted by the dialect, values bound."""
    parameters = dict(parameters)
    checked = _subquery(rows, columns)
    values = sql_values(checked, columns, derived)
    local = [(i, e) for i, e in enumerate(expectations) if in_database(e, columns, derived)]
    rest = [(i, e) for i, e in enumerate(expectations) if not in_database(e, columns, derived)]
    per_row = [(i, e) for i, e in local if "unique" not in e.type]
    conditions = {i: _unexpected(e, values, i) for i, e in per_row}
    counted = conn.execute(
        select(func.count(), *(func.count().filter(conditions[i]) for i, _ in per_row)).select_from(
            checked
        ),
        parameters,
    ).one()
    row_count = int(counted[0])
    unexpected = {i: int(n) for (i, _), n in zip(per_row, counted[1:], strict=True)}
    outcomes: dict[int, ExpectationOutcome] = {}
    for i, expectation in local:
        if i in unexpected:
            count = unexpected[i]
            examples = []
            if count:
                shown = _example(expectation, values)
                found = conn.execute(
                    select(*shown).select_from(checked).where(conditions[i]).limit(MAX_EXAMPLES),
                    parameters,
                ).all()
                examples = [row[0] if len(shown) == 1 else tuple(row) for row in found]
        else:
            duplicated = _duplicates(expectation, checked)
            count = int(
                conn.execute(
                    select(func.coalesce(func.sum(duplicated.c.n), 0)), parameters
                ).scalar_one()
            )
            examples = []
            if count:
                found = conn.execute(select(duplicated).limit(MAX_EXAMPLES), parameters).all()
                examples = [tuple(row[:-1]) if len(row) > 2 else row[0] for row in found]
        outcomes[i] = ExpectationOutcome(expectation, count == 0, count, examples)
    if rest:
        needed, needed_derived = _needed_columns([e for _, e in rest], derived, columns)
        read = [checked.c[name] for name in needed] or [null().label("no_column")]
        frame = pd.read_sql(select(*read).select_from(checked), conn, params=parameters)
        frame = with_derived_columns(frame[needed], needed_derived)
        checked = validate(frame, [e for _, e in rest], suite_name)
        for (i, _), outcome in zip(rest, checked.outcomes, strict=True):
            outcomes[i] = outcome
    return Validation(rows=row_count, outcomes=[outcomes[i] for i in range(len(expectations))])


def _needed_columns(
    expectations: Sequence[Expectation], derived: Mapping[str, str], columns: Sequence[str]
) -> tuple[list[str], dict[str, str]]:
    """The stored columns GX's share needs (those its expectations name, and those the
    derived columns they name are computed from: names found in the expressions), and
    those derived columns (with the derived columns they are computed from)."""
    named = {name for e in expectations for name in _columns_of(e)}
    # a derived column may be computed from another (in the yml's order): follow them back
    for name, expression in reversed(list(derived.items())):
        if name in named:
            named |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression))
    wanted = {name: expression for name, expression in derived.items() if name in named}
    return [name for name in columns if name in named], wanted
