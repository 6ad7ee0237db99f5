-- `socialpipe approvals list`: approvals, optionally one person's (as approver or
-- delegate), one organization's, or only the pending ones; pending first, oldest first.
with chosen as (
    select a.*, o.slug as organization
    from content_approvals as a
    inner join organizations as o on a.organization_id = o.id
    where (
        cast(:user_id as uuid) is null
        or a.approver_id = cast(:user_id as uuid)
        or a.delegated_to = cast(:user_id as uuid)
    )
    and (cast(:organization as text) is null or o.slug = cast(:organization as text))
    and (not cast(:pending_only as boolean) or a.status = 'pending')
),

described as (
    select
        c.id,
        c.organization,
        c.content_request_id as request_id,
        r.title as request_title,
        r.status as request_status,
        c.step_number,
        c.step_name,
        approver.email as approver,
        delegate.email as delegated_to,
        c.status,
        c.comments,
        c.created_at,
        c.decision_date,
        c.created_at + make_interval(
            secs => cast(
                c.feedback -> 'workflow' -> 'steps' -> (c.step_number - 1) ->> 'sla_hours'
                as double precision
            ) * 3600
        ) as due_at
    from chosen as c
    inner join content_requests as r on c.content_request_id = r.id
    left join users as approver on c.approver_id = approver.id
    left join users as delegate on c.delegated_to = delegate.id
)

select * from described
order by status <> 'pending', created_at, step_number, id
limit :limit
