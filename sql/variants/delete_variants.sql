delete from asset_variants
where parent_asset_id = :asset_id
returning file_path
