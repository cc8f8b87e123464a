"""Register the deployments declared in prefect.yaml on the Prefect server in PREFECT_API_URL.

`prefect deploy` of prefect 3.8.8 fails against its own server after the first deployment (its
client sends `limit: null` to workers/filter, which the server's FastAPI refuses with 422), so we
read the same file and call the API ourselves. Each deployment runs from this checkout's folder.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema


class DeployError(Exception):
    pass


@dataclass(frozen=True)
class Registered:
    name: str  # "flow name/deployment name", as run_deployment and `prefect deployment run` take it
    work_pool: str


def register_deployments(config_path: Path, work_pool: str | None = None) -> list[Registered]:
    """Create or update every deployment in the file; `work_pool` overrides the file's pool."""
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DeployError(f"{config_path}: {exc}") from exc
    entries = config.get("deployments") or []
    if not entries:
        raise DeployError(f"{config_path}：没有声明任何部署 / no deployments declared")
    base = config_path.resolve().parent
    pull = [{"prefect.deployments.steps.set_working_directory": {"directory": str(base)}}]
    out: list[Registered] = []
    pools_seen: set[str] = set()
    with get_client(sync_client=True) as client:
        for n, entry in enumerate(entries, start=1):
            where = f"{config_path} 第 {n} 个部署"
            name, entrypoint = entry.get("name"), entry.get("entrypoint")
            if not name or not entrypoint:
                raise DeployError(f"{where}：须有 name 和 entrypoint")
            pool_spec = entry.get("work_pool") or {}
            pool = work_pool or pool_spec.get("name")
            if not pool:
                raise DeployError(f"{where}（{name}）：没有指定工作池 / no work pool")
            if pool not in pools_seen:
                try:
                    client.read_work_pool(pool)
                except ObjectNotFound as exc:
                    raise DeployError(
                        f"服务器上没有工作池“{pool}”；请用 "
                        f"`prefect work-pool create {pool} --type process` 创建"
                    ) from exc
                pools_seen.add(pool)
            try:
                flow: Flow[..., Any] = load_flow_from_entrypoint(str(base / entrypoint))
            except Exception as exc:  # a broken entrypoint is named with its cause
                raise DeployError(f"{where}（{name}）：无法加载 {entrypoint}：{exc}") from exc
            client.create_deployment(
                flow_id=client.create_flow_from_name(flow.name),
                name=name,
                description=entry.get("description") or flow.description,
                work_pool_name=pool,
                work_queue_name=pool_spec.get("work_queue_name"),
                entrypoint=entrypoint,
                path=str(base),
                pull_steps=pull,
                parameter_openapi_schema=parameter_schema(flow).model_dump_for_openapi(),
                enforce_parameter_schema=True,
            )
            out.append(Registered(f"{flow.name}/{name}", pool))
    return out
