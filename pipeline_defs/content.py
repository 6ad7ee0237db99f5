"""The content stages of the code location: brand kits, requests, generation,
compliance, variants and approvals, each stage's Definitions merged.

pipeline_defs/definitions.py adds analytics, background jobs and alerts to make the
code location. The command line runs content_generation and content_processing from
these alone, so that starting a run does not load what only the analytics use
(pandas, Great Expectations, the SQL parser).
"""

from dagster import Definitions

from assets.approvals import definitions as approvals
from assets.brand_kits import definitions as brand_kits
from assets.compliance import definitions as compliance
from assets.generation import definitions as generation
from assets.generation.jobs import GENERATION_JOB_NAME, PROCESSING_JOB_NAME
from assets.requests import definitions as requests
from assets.variants import definitions as variants

CONTENT_STAGES = (brand_kits, requests, generation, compliance, variants, approvals)

content_defs = Definitions.merge(*(stage.defs for stage in CONTENT_STAGES))


def content_generation_job():
    """content_generation as a target other processes can load (`dagster.reconstructable`:
    a module-level function), for the executors that run steps elsewhere."""
    return content_defs.resolve_job_def(GENERATION_JOB_NAME)


def content_processing_job():
    return content_defs.resolve_job_def(PROCESSING_JOB_NAME)
