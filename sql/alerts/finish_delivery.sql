update alert_deliveries
set status = :status, attempts = :attempts, error = :error, updated_at = now()
where id = :id
