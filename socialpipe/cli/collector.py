"""Python's garbage collector in a short-lived command: off while it loads, on for the run.

Loading Dagster and the pipeline allocates a few hundred thousand objects that live as
long as the process, and the collector, run every 700 allocations, walks them again and
again: a quarter of the start-up time of `requests process`. So the `socialpipe` entry
point turns it off; a command that starts a long run calls `loaded()` first, which moves
everything loaded so far out of the collector's sight for good (gc.freeze) and turns it
back on, so that the run's own garbage is collected as usual.
"""

import atexit
import gc


def while_loading() -> None:
    """For the entry point only: a test process importing the CLI keeps its collector."""
    gc.disable()
    # at exit Python walks every object still alive one last time, only to end anyway
    atexit.register(gc.freeze)


def loaded() -> None:
    """The command has loaded what it needs and is about to run: collect from here on.
    A no-op when the collector is on (the CLI's modules imported by a test)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
