-- one estimated row's bootstrap interval; an unchanged interval is not rewritten
update compliance_engagement
set difference_low = :low,
    difference_high = :high,
    resamples = :resamples
where id = :id
  and (difference_low, difference_high, resamples) is distinct from (:low, :high, :resamples)
