-- The gallery's requests: every request of the organizations named by slug (all when
-- :organizations is null), with its organization and brand, grouped as the index shows them.
with chosen as (
    select r.*, o.slug as organization_slug, o.name as organization_name
    from content_requests as r
    inner join organizations as o on r.organization_id = o.id
    where cast(:organizations as text[]) is null
       or o.slug = any(cast(:organizations as text[]))
),

described as (
    select
        c.id,
        c.organization_slug,
        c.organization_name,
        b.name as brand,
        b.enforcement_level,
        b.minimum_compliance_score,
        c.title,
        c.description,
        c.content_brief,
        c.content_type,
        c.target_platforms,
        c.status,
        c.status_reason,
        c.priority,
        c.due_date,
        c.created_at,
        c.updated_at
    from chosen as c
    inner join brand_profiles as b on c.brand_profile_id = b.id
)

select * from described
order by organization_name, brand, status, priority desc, created_at, id
