"""Demo data for `socialpipe seed demo`: two tenants with brand kits, templates for
every placement, 50 content requests and 90 days of usage and engagement history.

    from pipeline_defs.demo_data import load_demo_data
    counts = load_demo_data(engine, data_dir() / "media")
"""

from pipeline_defs.demo_data.loader import demo_row_counts, load_demo_data
from pipeline_defs.demo_data.tenants import DemoDataConflictError

__all__ = ["DemoDataConflictError", "demo_row_counts", "load_demo_data"]
