-- The approval rows of the gallery's requests, with who decides each step.
with chosen as (
    select a.*
    from content_approvals as a
    where a.content_request_id = any(cast(:request_ids as uuid[]))
),

described as (
    select
        c.id,
        c.content_request_id,
        c.step_number,
        c.step_name,
        c.status,
        c.decision_date,
        c.comments,
        coalesce(
            nullif(trim(concat_ws(' ', approver.first_name, approver.last_name)), ''),
            approver.email
        ) as approver,
        approver.email as approver_email,
        delegate.email as delegated_to,
        c.created_at
    from chosen as c
    left join users as approver on c.approver_id = approver.id
    left join users as delegate on c.delegated_to = delegate.id
)

select * from described
order by content_request_id, step_number, created_at, id
