-- Demo slugs, emails and usernames already held by rows the demo did not create.
-- `on conflict (id) do nothing` only skips the demo's own rows; a stranger's row with the
-- same natural key would fail deep inside the load with a bare unique violation, so the
-- loader names these up front.
with organization_clashes as (
    select 'organization slug ' || slug as clash
    from organizations
    where slug = any(:slugs) and not id = any(:org_ids)
),

user_clashes as (
    select 'user ' || email as clash
    from users
    where (lower(email) = any(:emails) or lower(username) = any(:usernames))
      and not id = any(:user_ids)
)

select clash from organization_clashes
union all
select clash from user_clashes
