-- Steps past their SLA, not yet escalated: the escalation schedule's worklist. A step's
-- clock starts with its first row; its sla_hours is in the workflow snapshot every row
-- of the round carries (feedback.workflow.steps, numbered 1, 2, … in order).
with open_steps as (
    select content_request_id, feedback ->> 'round' as round_id, step_number
    from content_approvals
    where status = 'pending'
    group by content_request_id, feedback ->> 'round', step_number
),

steps as (
    select
        o.content_request_id,
        o.round_id,
        o.step_number,
        min(a.created_at) as started_at,
        max(a.feedback -> 'workflow' -> 'steps' -> (o.step_number - 1) ->> 'sla_hours')
            as sla_hours,
        bool_or(a.status = 'escalated' or a.feedback ->> 'basis' = 'escalation') as escalated
    from open_steps as o
    inner join content_approvals as a
        on
            a.content_request_id = o.content_request_id
            and a.feedback ->> 'round' = o.round_id
            and a.step_number = o.step_number
    group by o.content_request_id, o.round_id, o.step_number
),

overdue as (
    select
        s.content_request_id, s.round_id, s.step_number, s.started_at,
        cast(s.sla_hours as double precision) as sla_hours, r.organization_id
    from steps as s
    inner join content_requests as r on s.content_request_id = r.id
    where r.status = 'awaiting_approval'
      and not s.escalated
      and s.sla_hours is not null
      and s.started_at
      + make_interval(secs => cast(s.sla_hours as double precision) * 3600) < :now
)

select * from overdue
order by started_at
