-- One decision of a history request's approval, last updated when it was decided.
insert into content_approvals (
    id, content_request_id, organization_id, workflow_id, approver_id, step_number,
    step_name, status, decision_date, comments, feedback, created_at, updated_at
)
values (
    :id, :content_request_id, :organization_id, :workflow_id, :approver_id, :step_number,
    :step_name, :status, :decision_date, :comments, cast(:feedback as jsonb),
    :created_at, :decision_date
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
