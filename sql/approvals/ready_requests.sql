-- The content_approvals asset's worklist: generated requests whose every current image
-- compliance has scored, most urgent first.
with generated as (
    select id, priority, due_date, created_at
    from content_requests
    where status = 'generated'
),

scored as (
    select generated.*
    from generated
    where exists (
        select 1 from generated_assets as a
        where a.content_request_id = generated.id
    )
    and not exists (
        select 1 from generated_assets as a
        where a.content_request_id = generated.id and a.compliance_score is null
    )
)

select id from scored
order by priority desc, due_date asc nulls last, created_at
