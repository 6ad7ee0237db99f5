"""The code location's content_generation job, as a target the multiprocess executor can
reload: every step runs in a new process, which imports this module and calls the
function again (`dagster.reconstructable` needs a module-level function).
"""

from dagster import JobDefinition

from assets.generation.jobs import GENERATION_JOB_NAME


def content_generation_job() -> JobDefinition:
    # the job as the UI and the daemon see it: bound to the code location's resources,
    # which read DATABASE_URL, IMAGE_STORE_URL and IMAGE_PROVIDER in the step's process
    from pipeline_defs.definitions import defs

    return defs.resolve_job_def(GENERATION_JOB_NAME)
