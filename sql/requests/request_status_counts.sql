select status, count(*) as requests
from content_requests
group by status
order by requests desc
