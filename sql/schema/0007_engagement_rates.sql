-- The engagement formulas of DESIGN §5, written once: the daily ingestion
-- (sql/analytics/upsert_content_analytics.sql) and the weekly model
-- (dbt_like_models/content_analytics_weekly.sql) both call them, so the two can never
-- drift apart. No impressions: no rate (null), never a division error. Six decimals,
-- the scale of content_analytics' rate columns.
-- numeric arguments: a day's counts are bigint, a week's sums of them are numeric
create function engagement_rate(
  likes numeric, shares numeric, comments numeric, saves numeric, impressions numeric
) returns numeric
language sql immutable parallel safe
return round((likes + shares + comments + saves) / nullif(impressions, 0), 6);

create function click_through_rate(clicks numeric, impressions numeric) returns numeric
language sql immutable parallel safe
return round(clicks / nullif(impressions, 0), 6);
