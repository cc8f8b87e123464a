"""`appraisal deploy`: register prefect.yaml's deployments on a Prefect server (scale-out)."""

import os
from pathlib import Path
from typing import Annotated

import typer

from appraisal.console import fail, out


def deploy(
    file: Annotated[Path, typer.Option(help="The deployments file.")] = Path("prefect.yaml"),
    pool: Annotated[str | None, typer.Option(help="Work pool for all of them.")] = None,
) -> None:
    """Register prefect.yaml's deployments on the server in PREFECT_API_URL."""
    if not os.environ.get("PREFECT_API_URL"):
        fail("PREFECT_API_URL is not set: deployments live on a Prefect server (README: Scale-out)")
    from appraisal.flows.deploy import DeployError, register_deployments

    try:
        registered = register_deployments(file, pool)
    except DeployError as exc:
        fail(str(exc))
    for r in registered:
        out.print(f"deployment {r.name} -> work pool {r.work_pool}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy)
