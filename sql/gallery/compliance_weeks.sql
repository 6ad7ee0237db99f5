-- compliance_engagement's band rows of the latest complete weeks, for the gallery's
-- week-by-week table (the organizations named by slug; all of them when none is named)
with shown as (
    select
        o.slug,
        o.name as organization,
        c.*,
        dense_rank() over (order by c.week_start desc) as recent
    from compliance_engagement as c
    inner join organizations as o on o.id = c.organization_id
    where c.group_kind = 'band'
      and (cast(:organizations as text[]) is null or o.slug = any(cast(:organizations as text[])))
)

select *
from shown
where recent <= :weeks
order by organization, platform, week_start desc, group_name
