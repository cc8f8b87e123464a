"""Prefect flows: one per stage of the cycle, and the cycle flow that runs whichever gates allow.

Importing this package prepares Prefect's environment (private PREFECT_HOME, no telemetry) before
Prefect itself is imported.
"""

from appraisal.prefect_env import prepare_prefect

prepare_prefect()
