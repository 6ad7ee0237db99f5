select file_path
from asset_variants
where parent_asset_id = :asset_id
