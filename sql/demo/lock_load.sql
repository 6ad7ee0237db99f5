-- Serialises concurrent demo loads (two `socialpipe seed demo` at once): the second waits
-- for the first to commit, then finds every row there and adds nothing. Held until commit.
select pg_advisory_xact_lock(:key)
