-- The master images of some requests, with the dimensions their rows record
-- (the generated_assets check compares them with the files).
select file_path, dimensions
from generated_assets
where content_request_id = any(cast(:request_ids as uuid []))
  and file_path is not null
order by file_path
