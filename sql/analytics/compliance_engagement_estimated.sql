-- compliance_engagement's rows of a window with an estimate: the ones given an interval
select
    id,
    organization_id::text as organization_id,
    platform,
    week_start,
    group_kind,
    group_name,
    images
from compliance_engagement
where evidence = 'estimated'
  and week_start >= :first_day
  and week_start < :end_day
order by organization_id, platform, week_start, group_kind, group_name
