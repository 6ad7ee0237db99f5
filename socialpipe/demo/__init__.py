"""Demo data for `socialpipe seed demo`: two tenants with brand kits, templates for
every placement, 50 content requests and 90 days of usage and engagement history.

    from socialpipe.demo import load_demo_data
    counts = load_demo_data(engine, data_dir() / "media")
"""

from socialpipe.demo.loader import demo_row_counts, load_demo_data
from socialpipe.demo.tenants import DemoDataConflictError

__all__ = ["DemoDataConflictError", "demo_row_counts", "load_demo_data"]
