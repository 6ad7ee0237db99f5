-- The request, locked. Every writer of a request's approvals (routing, a decision, the
-- escalation schedule) takes this lock first and the approval rows second: one lock
-- order, so two deciders take turns instead of deadlocking or both advancing a step.
select
    r.id, r.organization_id, r.title, r.status, r.content_type, r.target_platforms,
    r.priority, r.requested_by
from content_requests as r
where r.id = :request_id
for update
