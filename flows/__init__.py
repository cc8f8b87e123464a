"""Prefect flows: one per stage of the cycle, and the cycle flow that runs whichever gates allow.

Importing this package prepares Prefect's environment (private PREFECT_HOME, no telemetry) before
Prefect itself is imported, and turns off flow-run heartbeats when no server is configured.
"""

from appraisal.prefect_env import prepare_prefect, quiet_heartbeats

prepare_prefect()
quiet_heartbeats()
