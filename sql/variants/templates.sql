-- The templates the candidates were generated from (their zones are what crops keep).
select *
from content_templates
where id = any(cast(:template_ids as uuid[]))
