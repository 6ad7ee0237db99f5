-- One asset's verdict. Only if the asset still shows the image that was scored: a
-- regeneration in the meantime reset it to pending, and that newer image waits its turn.
update generated_assets
set compliance_score = :compliance_score,
    compliance_details = cast(:compliance_details as jsonb),
    validation_status = :validation_status
where id = :id
  and file_path = :file_path
returning id
