select platform, variant_type, file_path
from generated_assets
where content_request_id = :request_id
