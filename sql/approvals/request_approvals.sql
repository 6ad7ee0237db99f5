-- A request's approval rows, locked (after its request row: see lock_request.sql).
select id, step_number, step_name, approver_id, status, delegated_to, feedback, created_at
from content_approvals
where content_request_id = :request_id
order by created_at, step_number, id
for update
