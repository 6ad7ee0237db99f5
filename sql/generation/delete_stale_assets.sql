-- Candidates a re-run no longer produces (fewer images asked for, a platform dropped).
delete from generated_assets
where content_request_id = :request_id
  and not (id = any(:kept_ids))
returning file_path
