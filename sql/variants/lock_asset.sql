-- Serialises variant writes per generated asset, and shows whether it changed meanwhile.
select id, file_path, validation_status
from generated_assets
where id = :asset_id
for update
