"""Prefect's environment, set before Prefect is first imported.

With no Prefect server configured, flows run on Prefect's ephemeral server, whose database lives in
PREFECT_HOME; we keep that under our output folder so a demo or a test run leaves nothing in the
user's home. There is no internet here or at many offices, so telemetry is off.
"""

import os
from pathlib import Path

from appraisal.prefect_template import seed_database
from appraisal.settings import Settings, get_settings


def prepare_prefect(settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    defaults = {
        "PREFECT_HOME": str((settings.output_dir / ".prefect").resolve()),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # On a busy 2-core machine the ephemeral server can take longer than the default to start.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # Prefect creates its home without parents and only warns when it cannot.
    home = Path(os.environ["PREFECT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    seed_database(home)


def quiet_heartbeats() -> None:
    """With no Prefect server configured, flow runs send no heartbeats.

    Heartbeats let a server notice a flow run whose worker died. Prefect's temporary server
    lives and dies with this process, so nobody is there to notice; and each flow run's end
    waits for its heartbeat thread's one-second sleep, about half a second a run, a dozen runs a
    cycle. A configured server (PREFECT_API_URL) keeps them."""
    import prefect.context

    settings = prefect.context.GLOBAL_SETTINGS_CONTEXT.settings
    if settings.api.url is None:
        # The model allows None (no heartbeats); an environment variable cannot say it.
        settings.flows.heartbeat_frequency = None
