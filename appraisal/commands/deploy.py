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
    """注册部署 / Register prefect.yaml's deployments on the server in PREFECT_API_URL."""
    if not os.environ.get("PREFECT_API_URL"):
        fail("未设置 PREFECT_API_URL：部署登记在 Prefect 服务器上（见 README：Scale-out）")
    from appraisal.flows.deploy import DeployError, register_deployments

    try:
        registered = register_deployments(file, pool)
    except DeployError as exc:
        fail(str(exc))
    for r in registered:
        out.print(f"部署 {r.name} -> 工作池 {r.work_pool}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy)
