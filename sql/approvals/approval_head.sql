-- Which request and round an approval belongs to (fixed for the row's life: read
-- before taking the request's lock).
select a.content_request_id, a.organization_id, a.feedback ->> 'round' as round_id
from content_approvals as a
where a.id = :approval_id
