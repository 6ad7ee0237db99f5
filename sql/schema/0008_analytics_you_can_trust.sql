-- Analytics you can trust (issue 13): calendar periods, one currency per sum, stable
-- image history, template figures that add up. Every row is kept; the rolling
-- "weekly" rows become calendar weeks where they are one (see below).

-- 1. content_analytics: a weekly row is one ISO week (Monday .. Sunday, dated on the
-- Monday), a monthly row one calendar month (dated on the 1st). The old rows were a
-- trailing 7-day window written for every day. A trailing window ending on a Sunday
-- is exactly the ISO week Monday .. Sunday, so those rows are kept and re-dated to
-- their Monday; the windows ending on other days overlap the calendar weeks and are
-- removed (their figures stay derivable: view content_analytics_trailing_7_days).
delete from content_analytics
where measurement_period = 'weekly'
  and extract(isodow from performance_date) <> 7;

update content_analytics
set performance_date = performance_date - 6
where measurement_period = 'weekly';

alter table content_analytics
  add constraint content_analytics_calendar_period_check check (
    (measurement_period <> 'weekly' or extract(isodow from performance_date) = 1)
    and (measurement_period <> 'monthly' or extract(day from performance_date) = 1)
  );

-- the trailing 7 days ending on each day an image was measured, summed from the daily
-- rows: what the old 'weekly' rows held, as a view rather than as a period. The view
-- runs with the reader's rights, so row-level security still keeps tenants apart.
create view content_analytics_trailing_7_days with (security_invoker = true) as
with daily as (
    select * from content_analytics where measurement_period = 'daily'
),
windows as (
    select
        ending.generated_asset_id,
        ending.organization_id,
        ending.platform,
        ending.performance_date as window_end,
        sum(inside.impressions) as impressions,
        sum(inside.views) as views,
        sum(inside.likes) as likes,
        sum(inside.shares) as shares,
        sum(inside.comments) as comments,
        sum(inside.saves) as saves,
        sum(inside.clicks) as clicks
    from daily as ending
    inner join daily as inside
        on inside.generated_asset_id = ending.generated_asset_id
        and inside.platform = ending.platform
        and inside.performance_date between ending.performance_date - 6
            and ending.performance_date
    group by ending.generated_asset_id, ending.organization_id, ending.platform,
        ending.performance_date
)
select
    windows.*,
    engagement_rate(likes, shares, comments, saves, impressions) as engagement_rate,
    click_through_rate(clicks, impressions) as click_through_rate
from windows;

-- 2. daily_usage_summaries: one row per organization, day, provider and currency;
-- costs in different currencies are never added together. Rows written before this
-- migration were summed regardless of currency: they are kept, marked USD (the
-- default of api_usage.currency), and corrected by recomputing their days.
alter table daily_usage_summaries
  add column currency varchar(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$');
alter table daily_usage_summaries
  drop constraint daily_usage_summaries_organization_id_usage_date_api_provid_key;
alter table daily_usage_summaries
  add constraint daily_usage_summaries_org_date_provider_currency_key
  unique (organization_id, usage_date, api_provider, currency);

-- 3. generated_assets: created_at is when the image was first created and never
-- changes; a regeneration writes the same row and stamps regenerated_at. updated_at
-- (any change: a regeneration, a new score) lets the late-data sensor find the days
-- whose analytics a change affects; existing rows start at their created_at.
alter table generated_assets add column regenerated_at timestamptz;
alter table generated_assets add column updated_at timestamptz;
update generated_assets set updated_at = created_at;
alter table generated_assets
  alter column updated_at set default now(),
  alter column updated_at set not null;
create trigger generated_assets_set_updated_at before update on generated_assets
  for each row execute function set_updated_at();
-- the late-data sensor: images changed since its last look
create index generated_assets_updated_idx on generated_assets (updated_at);
-- and api_usage rows recorded since its last look (append-only: BRIN)
create index api_usage_created_brin on api_usage using brin (created_at);

-- 4. content_templates: usage_count counts content requests that used the template;
-- the images rendered from it and the pooled click-through rate are columns of
-- their own.
alter table content_templates
  add column images_rendered integer not null default 0 check (images_rendered >= 0),
  add column click_through_rate numeric(7, 6) check (click_through_rate between 0 and 1);
