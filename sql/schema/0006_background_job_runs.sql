-- background_jobs mirrors Dagster runs (DESIGN §5): each row names the run that last
-- worked on it, so that a run reported twice (by several run-status sensors, or by a
-- sensor and the command line) updates one row instead of adding another. Rows no run
-- has picked up yet have none; nulls are distinct, so they do not collide.
-- (0004's expression index on parameters ->> 'dagster_run_id' predates this column;
-- released migrations are not edited, and the pipeline keeps run ids here instead.)
alter table background_jobs add column dagster_run_id text;
alter table background_jobs
  add constraint background_jobs_dagster_run_id_key unique (dagster_run_id);
