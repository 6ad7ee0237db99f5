"""Declarative automation of the analytics models: the rollups and template performance
are eager, so a new day of content_analytics brings them up to date without a schedule.

Evaluated with Dagster's own evaluator (`evaluate_automation_conditions`, what the
automation sensor runs on each tick) over a throw-away instance whose materializations
are reported as an outside system reports them.
"""

from datetime import UTC, datetime, timedelta

from dagster import AssetKey, AssetMaterialization, DagsterInstance, evaluate_automation_conditions

from pipeline_defs.definitions import defs

# the models that read content_analytics' daily rows (compliance_engagement: by ISO week)
EAGER = {
    "content_analytics_weekly",
    "content_analytics_monthly",
    "compliance_engagement",
    "template_performance",
}
DAILY = "content_analytics"


def _requested(result) -> dict[str, set[str | None]]:
    return {
        key.to_user_string(): set(result.get_requested_partitions(key))
        for key in defs.resolve_asset_graph().get_all_asset_keys()
        if result.get_num_requested(key)
    }


def test_a_new_day_of_daily_rows_brings_the_rollups_up_to_date() -> None:
    graph = defs.resolve_asset_graph()
    automated = {
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if graph.get(key).automation_condition is not None
    }
    assert automated == EAGER
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()

    with DagsterInstance.ephemeral() as instance:
        # everything the models read has been materialized once, except yesterday's rows
        for key in graph.get_all_asset_keys():
            name = key.to_user_string()
            if name in EAGER or not graph.get(key).is_materializable:
                continue
            partitions = graph.get(key).partitions_def
            days = partitions.get_partition_keys()[-45:-1] if partitions else [None]
            for day in days:
                instance.report_runless_asset_event(AssetMaterialization(key, partition=day))
        first = evaluate_automation_conditions(defs=defs, instance=instance)
        # the rollups' latest partitions read yesterday's daily rows: not there yet
        before = _requested(first)
        assert not before.keys() & {
            "content_analytics_weekly",
            "content_analytics_monthly",
            "compliance_engagement",
        }

        instance.report_runless_asset_event(
            AssetMaterialization(AssetKey(DAILY), partition=yesterday)
        )
        second = evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
        after = _requested(second)
        assert after.keys() == EAGER, after
        assert after["content_analytics_weekly"] == {yesterday}
        assert after["content_analytics_monthly"] == {yesterday}
        assert after["compliance_engagement"] == {yesterday}
        assert after["template_performance"] == {None}

        # nothing new since: nothing more is asked for
        third = evaluate_automation_conditions(defs=defs, instance=instance, cursor=second.cursor)
        assert third.total_requested == 0
