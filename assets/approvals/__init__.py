"""Approvals (README "Approvals"): workflow definitions, workflow matching,
auto-approval, the decision state machine, and the functions that apply it to the database.

The domain modules (workflow, workflow_matching, auto_approval, machine, versions' fingerprint)
import no Dagster and touch no database; `definitions.py` is the Dagster layer.
"""
