-- The request's current images: what an approval sees, and the scores rules look at.
select id, platform, variant_type, file_path, compliance_score, validation_status
from generated_assets
where content_request_id = :request_id
order by platform, variant_type, id
