-- The organization of each content request and generated asset that a run or a queued
-- job names. Ids that do not exist are absent from the result.
with named_requests as (
    select
        'request' as kind,
        id,
        organization_id
    from content_requests
    where id = any(cast(:request_ids as uuid []))
),

named_assets as (
    select
        'asset' as kind,
        id,
        organization_id
    from generated_assets
    where id = any(cast(:asset_ids as uuid []))
)

select kind, id, organization_id from named_requests
union all
select kind, id, organization_id from named_assets
