-- Every generated asset by verdict, for the blocking check's metadata.
select validation_status, count(*) as assets
from generated_assets
group by validation_status
order by validation_status
