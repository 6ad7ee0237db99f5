"""The analytics SQL models in dbt_like_models/: one SELECT per .sql file, settings in a .yml.

Plain Python, no Dagster: `load_models()` reads and checks every model, and
`resolve_dependencies()` turns the tables each SELECT reads (found by sqlglot, never
listed by hand) into the assets it depends on. assets/analytics/definitions.py makes
one Dagster asset per model from the result. Any problem is a `ModelError` naming
the file, raised while the definitions load rather than in the middle of a run.
"""

import hashlib
import importlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
import yaml
from sqlglot import exp
from sqlglot.errors import ParseError

from resources.paths import PROJECT_ROOT, SQL_DIR

MODELS_DIR = PROJECT_ROOT / "dbt_like_models"
SCHEMA_DIR = SQL_DIR / "schema"

# The partition window [start, end), as UTC timestamps (timestamptz), bound by the runner
PARTITION_PARAMETERS = frozenset({"partition_start", "partition_end"})
WRITE_MODES = ("replace_partition", "update")
REQUIRED_KEYS = ("description", "target_table", "write", "unique_key", "expectations")
OPTIONAL_KEYS = (
    "partition_column",
    "scope",
    "lookback_days",
    "derived_columns",
    "period",
    "columns",
    "reconcile",
    "python_step",
    "python_step_columns",
)
# a calendar-period model writes whole periods: its window is widened to them
PERIODS = ("week", "month")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
PYTHON_STEP = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*:[a-z_][a-z0-9_]*$")
EXPECTATION = re.compile(r"^expect_[a-z0-9_]+$")
CREATE_TABLE = re.compile(
    r"^\s*create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?(?:public\.)?([a-z_][a-z0-9_]*)",
    re.IGNORECASE | re.MULTILINE,
)


class ModelError(ValueError):
    """A model that cannot run: the message starts with the file to fix."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{display_path(self.path)}: {problem}")


def display_path(path: Path) -> str:
    """A path relative to the project when inside it (for messages and metadata)."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Expectation:
    """One great-expectations expectation: its snake_case type and its arguments."""

    type: str
    kwargs: Mapping[str, object]

    def describe(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.kwargs.items())
        return f"{self.type}({arguments})"


@dataclass(frozen=True)
class Model:
    name: str
    sql_path: Path
    yml_path: Path
    sql: str
    description: str
    target_table: str
    write: str  # replace_partition: delete the window, insert the select | update: by key
    partition_column: str | None
    unique_key: tuple[str, ...]
    columns: tuple[str, ...]  # what the select returns, in order
    reads: frozenset[str]  # tables the select reads
    scope: Mapping[str, object] = field(default_factory=dict)  # rows of the target it owns
    lookback_days: int = 1  # partition D reads upstream partitions D-(n-1) .. D
    derived_columns: Mapping[str, str] = field(default_factory=dict)  # pandas eval, for checks
    expectations: tuple[Expectation, ...] = ()
    code_version: str = ""
    period: str | None = None  # "week" | "month": rows are whole calendar periods
    column_docs: Mapping[str, str] = field(default_factory=dict)  # column -> its meaning
    # the raw table its reconciliation check recomputes it from, and the columns that
    # must never be null (sql/analytics/recompute_<name>.sql)
    reconcile_source: str | None = None
    not_null: tuple[str, ...] = ()
    # "module:function", called as function(conn, model, window) after the write, in
    # its transaction: what SQL cannot compute (a bootstrap), written beside the rows
    python_step: str | None = None
    # the columns the python step fills (the select returns them null): a row whose
    # other columns are unchanged keeps them, so a re-run rewrites nothing
    python_step_columns: tuple[str, ...] = ()

    @property
    def partitioned(self) -> bool:
        return self.write == "replace_partition"


@dataclass(frozen=True)
class Dependency:
    """A table a model reads, and the asset that produces it."""

    table: str
    asset: str
    kind: str  # "model": another model | "owner": an asset named by the caller | "source"


def schema_tables(schema_dir: Path = SCHEMA_DIR) -> frozenset[str]:
    """Tables the migrations create (sqlglot cannot parse every migration; this can)."""
    return frozenset(
        name.lower()
        for path in sorted(schema_dir.glob("*.sql"))
        for name in CREATE_TABLE.findall(path.read_text())
    )


def load_models(models_dir: Path = MODELS_DIR, tables: Iterable[str] | None = None) -> list[Model]:
    """Every model in ``models_dir``, checked; ``tables``: the tables a model may read."""
    known = frozenset(tables) if tables is not None else schema_tables()
    sql_files = {path.stem: path for path in sorted(models_dir.glob("*.sql"))}
    for yml_path in sorted(models_dir.glob("*.yml")):
        if yml_path.stem not in sql_files:
            raise ModelError(yml_path, f"no {yml_path.stem}.sql beside it")
    return [_load_model(path, known) for path in sql_files.values()]


def _load_model(sql_path: Path, tables: frozenset[str]) -> Model:
    name = sql_path.stem
    if not IDENTIFIER.match(name):
        raise ModelError(sql_path, "a model's file name must be a lowercase identifier")
    yml_path = sql_path.with_suffix(".yml")
    if not yml_path.exists():
        raise ModelError(sql_path, f"missing {yml_path.name} (target table, partitioning, key)")
    text = sql_path.read_text()
    config = _read_yml(yml_path)
    statement = _parse(sql_path, text)
    columns = _output_columns(sql_path, statement)
    reads = _tables_read(sql_path, statement, tables)
    _check_parameters(sql_path, statement, config["write"])
    return _model(name, sql_path, yml_path, text, config, columns, reads, tables)


def _read_yml(path: Path) -> dict:
    try:
        config = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ModelError(path, f"invalid YAML: {error}") from error
    if not isinstance(config, dict):
        raise ModelError(path, "must be a mapping of settings")
    missing = [key for key in REQUIRED_KEYS if key not in config]
    if missing:
        raise ModelError(path, f"missing key(s): {', '.join(missing)}")
    unknown = sorted(set(config) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ModelError(path, f"unknown key(s): {', '.join(unknown)}")
    if config["write"] not in WRITE_MODES:
        raise ModelError(path, f"write must be one of {', '.join(WRITE_MODES)}")
    if config["write"] == "replace_partition" and not config.get("partition_column"):
        raise ModelError(path, "missing key: partition_column (required by replace_partition)")
    if config["write"] == "update" and config.get("partition_column"):
        raise ModelError(path, "an update model is not partitioned: remove partition_column")
    return config


def _parse(path: Path, text: str) -> exp.Expression:
    try:
        statements = [s for s in sqlglot.parse(text, read="postgres") if s is not None]
    except ParseError as error:
        first = error.errors[0] if error.errors else {}
        where = f" at line {first.get('line')}, column {first.get('col')}" if first else ""
        detail = first.get("description") or str(error)
        raise ModelError(path, f"SQL syntax error{where}: {detail}") from error
    if len(statements) != 1:
        raise ModelError(path, f"must hold exactly one statement, found {len(statements)}")
    statement = statements[0]
    if not isinstance(statement, exp.Select):
        raise ModelError(path, "must be a single SELECT (the runner does the writing)")
    return statement


def _output_columns(path: Path, statement: exp.Select) -> tuple[str, ...]:
    """The columns of `select * from final`: those the `final` CTE names."""
    ctes = {cte.alias_or_name: cte.this for cte in statement.find_all(exp.CTE)}
    source = statement.args.get("from_")
    is_star_from_final = (
        statement.named_selects == ["*"]
        and source is not None
        and isinstance(source.this, exp.Table)
        and source.this.name == "final"
        and not statement.args.get("joins")
        and not statement.args.get("where")
    )
    if "final" not in ctes or not is_star_from_final:
        raise ModelError(path, "must end with `select * from final` (one CTE per step)")
    columns = ctes["final"].named_selects
    if "*" in columns or any(not column for column in columns):
        raise ModelError(path, "the `final` CTE must name every column it returns (no *)")
    if len(set(columns)) != len(columns):
        raise ModelError(path, "the `final` CTE returns a column name twice")
    return tuple(columns)


def _tables_read(path: Path, statement: exp.Select, tables: frozenset[str]) -> frozenset[str]:
    cte_names = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
    read = set()
    for table in statement.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # a set-returning function in FROM: jsonb_array_elements(...), unnest(...)
        name = table.name.lower()
        if not table.db and name in cte_names:
            continue
        if table.db not in ("", "public") or name not in tables:
            qualified = f"{table.db}.{name}" if table.db else name
            raise ModelError(path, f"unknown table {qualified!r} (not created in sql/schema/)")
        read.add(name)
    return frozenset(read)


def _check_parameters(path: Path, statement: exp.Select, write: str) -> None:
    used = {placeholder.name for placeholder in statement.find_all(exp.Placeholder)}
    unknown = used - PARTITION_PARAMETERS
    if unknown:
        raise ModelError(
            path, f"unknown parameter(s) :{', :'.join(sorted(unknown))} (only partition bounds)"
        )
    if write == "replace_partition" and used != PARTITION_PARAMETERS:
        raise ModelError(
            path, "a partitioned model must filter on both :partition_start and :partition_end"
        )
    if write == "update" and used:
        raise ModelError(path, "an update model is not partitioned: it takes no parameters")


def _identifiers(path: Path, key: str, values: object) -> tuple[str, ...]:
    items = [values] if isinstance(values, str) else values
    if not isinstance(items, list) or not items:
        raise ModelError(path, f"{key} must be a column name or a list of them")
    for item in items:
        if not isinstance(item, str) or not IDENTIFIER.match(item):
            raise ModelError(path, f"{key}: {item!r} is not a lowercase column name")
    return tuple(items)


def _model(
    name: str,
    sql_path: Path,
    yml_path: Path,
    text: str,
    config: dict,
    columns: tuple[str, ...],
    reads: frozenset[str],
    tables: frozenset[str],
) -> Model:
    target = config["target_table"]
    if not isinstance(target, str) or target not in tables:
        raise ModelError(yml_path, f"target_table {target!r} is not created in sql/schema/")
    unique_key = _identifiers(yml_path, "unique_key", config["unique_key"])
    partition_column = config.get("partition_column")
    scope = config.get("scope") or {}
    if not isinstance(scope, dict):
        raise ModelError(yml_path, "scope must map columns to the constant values this model owns")
    named = [*unique_key, *scope, *([partition_column] if partition_column else [])]
    for column in named:
        if not isinstance(column, str) or not IDENTIFIER.match(column):
            raise ModelError(yml_path, f"{column!r} is not a lowercase column name")
        if column not in columns:
            raise ModelError(
                yml_path, f"column {column!r} is not returned by {sql_path.name}'s final select"
            )
    lookback = config.get("lookback_days", 1)
    if not isinstance(lookback, int) or isinstance(lookback, bool) or lookback < 1:
        raise ModelError(yml_path, "lookback_days must be a whole number of days, at least 1")
    derived = config.get("derived_columns") or {}
    if not isinstance(derived, dict) or not all(
        isinstance(k, str) and IDENTIFIER.match(k) and isinstance(v, str)
        for k, v in derived.items()
    ):
        raise ModelError(yml_path, "derived_columns must map new column names to expressions")
    period = config.get("period")
    if period is not None and (period not in PERIODS or config["write"] != "replace_partition"):
        raise ModelError(
            yml_path, f"period must be one of {', '.join(PERIODS)}, on a replace_partition model"
        )
    return Model(
        name=name,
        sql_path=sql_path,
        yml_path=yml_path,
        sql=text.strip().rstrip(";"),
        description=" ".join(str(config["description"]).split()),
        target_table=target,
        write=config["write"],
        partition_column=partition_column,
        unique_key=unique_key,
        columns=columns,
        reads=reads,
        scope=scope,
        lookback_days=lookback,
        derived_columns=derived,
        expectations=_expectations(yml_path, config["expectations"]),
        code_version=hashlib.sha256((text + yml_path.read_text()).encode()).hexdigest()[:16],
        period=period,
        column_docs=_column_docs(yml_path, config.get("columns"), columns),
        python_step=_python_step(yml_path, config.get("python_step")),
        python_step_columns=_python_step_columns(yml_path, config, columns, unique_key),
        **_reconcile(yml_path, config.get("reconcile"), columns, tables),
    )


def _python_step(path: Path, reference: object) -> str | None:
    """`python_step: module:function` in the yml: checked to be importable now, not mid-run."""
    if reference is None:
        return None
    if not isinstance(reference, str) or not PYTHON_STEP.match(reference):
        raise ModelError(path, "python_step must be 'package.module:function'")
    try:
        python_step_function(reference)
    except (ImportError, AttributeError) as error:
        raise ModelError(path, f"python_step {reference!r} cannot be imported: {error}") from error
    return reference


def _python_step_columns(
    path: Path, config: dict, columns: tuple[str, ...], unique_key: tuple[str, ...]
) -> tuple[str, ...]:
    if "python_step_columns" not in config:
        return ()
    if "python_step" not in config:
        raise ModelError(path, "python_step_columns needs a python_step")
    names = _identifiers(path, "python_step_columns", config["python_step_columns"])
    wrong = [name for name in names if name not in columns or name in unique_key]
    if wrong:
        raise ModelError(
            path, f"python_step_columns: not returned, or part of the key: {', '.join(wrong)}"
        )
    return names


def python_step_function(reference: str):
    """The callable a `python_step` names (raises ImportError, AttributeError)."""
    module, name = reference.split(":")
    function = getattr(importlib.import_module(module), name)
    if not callable(function):
        raise AttributeError(f"{name} is not callable")
    return function


def _reconcile(path: Path, settings: object, columns: tuple[str, ...], tables) -> dict:
    """`reconcile: {source: <table>, not_null: [columns]}` in the yml."""
    if settings is None:
        return {}
    if not isinstance(settings, dict) or set(settings) - {"source", "not_null"}:
        raise ModelError(path, "reconcile must be {source: <table>, not_null: [columns]}")
    source = settings.get("source")
    if source not in tables:
        raise ModelError(path, f"reconcile.source {source!r} is not created in sql/schema/")
    not_null = _identifiers(path, "reconcile.not_null", settings.get("not_null") or [])
    unknown = [name for name in not_null if name not in columns]
    if unknown:
        raise ModelError(path, f"reconcile.not_null: not returned: {', '.join(unknown)}")
    return {"reconcile_source": source, "not_null": not_null}


def _column_docs(path: Path, docs: object, columns: tuple[str, ...]) -> dict[str, str]:
    """`columns:` in the yml: one sentence per column the select returns, no more, no less."""
    if docs is None:
        return {}
    if not isinstance(docs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in docs.items()
    ):
        raise ModelError(path, "columns must map each returned column to a sentence")
    missing = [name for name in columns if name not in docs]
    unknown = [name for name in docs if name not in columns]
    if missing or unknown:
        problems = [f"undocumented: {', '.join(missing)}"] if missing else []
        problems += [f"not returned: {', '.join(unknown)}"] if unknown else []
        raise ModelError(path, f"columns: {'; '.join(problems)}")
    return {name: " ".join(docs[name].split()) for name in columns}


def _expectations(path: Path, entries: object) -> tuple[Expectation, ...]:
    if not isinstance(entries, list):
        raise ModelError(path, "expectations must be a list of {expect_...: {arguments}}")
    expectations = []
    for entry in entries:
        if not (isinstance(entry, dict) and len(entry) == 1):
            raise ModelError(path, f"expectation {entry!r} must be one {{expect_...: {{...}}}}")
        ((kind, kwargs),) = entry.items()
        if not isinstance(kind, str) or not EXPECTATION.match(kind):
            raise ModelError(path, f"{kind!r} is not a great-expectations expectation name")
        if not isinstance(kwargs, dict):
            raise ModelError(path, f"{kind}: its arguments must be a mapping")
        expectations.append(Expectation(kind, kwargs))
    return tuple(expectations)


def resolve_dependencies(
    models: list[Model], owners: Mapping[str, str] | None = None
) -> dict[str, list[Dependency]]:
    """The assets each model depends on, from the tables its SELECT reads.

    A table is produced by, in this order: the asset ``owners`` names for it (assets
    defined outside the models, e.g. generation's ``generated_assets``); the model
    named after it, or else the one model writing it; otherwise it is a source table
    (an external asset of the same name). A cycle is an error naming the files.
    """
    owners = dict(owners or {})
    writers: dict[str, list[Model]] = {}
    for model in models:
        writers.setdefault(model.target_table, []).append(model)
    resolved: dict[str, list[Dependency]] = {}
    for model in models:
        deps = []
        for table in sorted(model.reads):
            if table in owners:
                deps.append(Dependency(table, owners[table], "owner"))
                continue
            candidates = [m for m in writers.get(table, []) if m.name != model.name]
            named = [m for m in candidates if m.name == table]
            producer = named[0] if named else (candidates[0] if len(candidates) == 1 else None)
            if producer is None and len(candidates) > 1:
                names = ", ".join(m.sql_path.name for m in candidates)
                raise ModelError(
                    model.sql_path,
                    f"reads {table!r}, which several models write ({names}): "
                    "name one of them after the table",
                )
            if producer is not None:
                deps.append(Dependency(table, producer.name, "model"))
            else:
                deps.append(Dependency(table, table, "source"))
        resolved[model.name] = deps
    _check_acyclic(models, resolved)
    return resolved


def _check_acyclic(models: list[Model], deps: Mapping[str, list[Dependency]]) -> None:
    by_name = {model.name: model for model in models}
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = path[path.index(name) :] + [name]
            files = " -> ".join(by_name[n].sql_path.name for n in cycle)
            raise ModelError(by_name[name].sql_path, f"models depend on each other: {files}")
        state[name] = "visiting"
        for dep in deps.get(name, []):
            if dep.kind == "model":
                visit(dep.asset, [*path, name])
        state[name] = "done"

    for model in models:
        visit(model.name, [])


def downstream_models(deps: Mapping[str, list[Dependency]]) -> dict[str, set[str]]:
    """For each asset, the models that read it."""
    readers: dict[str, set[str]] = {}
    for model, model_deps in deps.items():
        for dep in model_deps:
            readers.setdefault(dep.asset, set()).add(model)
    return readers
