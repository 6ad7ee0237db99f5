-- The files a request's rows point at: its masters and their variants. Anything else
-- in the request's folder was left by a run that died before recording it.
select g.file_path
from generated_assets as g
where g.content_request_id = :request_id and g.file_path is not null
union
select v.file_path
from asset_variants as v
join generated_assets as g on g.id = v.parent_asset_id
where g.content_request_id = :request_id and v.file_path is not null
