-- organization_id comes from the request (fill_organization_id trigger).
insert into content_approvals (
    id, content_request_id, workflow_id, approver_id, step_number, step_name, status,
    decision_date, comments, feedback
)
values (
    :id, :request_id, :workflow_id, :approver_id, :step_number, :step_name, :status,
    case when :decided then now() end, :comments, cast(:feedback as jsonb)
)
