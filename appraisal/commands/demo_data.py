"""`appraisal demo-data`: synthetic workbooks for tests, the demo and benchmarks."""

from pathlib import Path
from typing import Annotated

import typer

from appraisal.console import fail, out
from appraisal.demo_data import DEFAULT_PEOPLE, DEFAULT_SEED, DEFAULT_YEAR, write_demo_data


def register(app: typer.Typer) -> None:
    app.command("demo-data")(demo_data)


def demo_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder for roster.xlsx and records.xlsx.")],
    people: Annotated[
        int, typer.Option("--people", help="Pool size (10/130/653 shape).")
    ] = DEFAULT_PEOPLE,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same workbooks.")] = DEFAULT_SEED,
    year: Annotated[int, typer.Option("--year", help="The year of the records.")] = DEFAULT_YEAR,
) -> None:
    """生成演示数据 / Write a plausible roster and a year's records for a pool of N people."""
    if people < 3:
        fail("--people 至少为 3（每个梯队一人）")
    roster, records = write_demo_data(out_dir, people=people, seed=seed, year=year)
    out.print(f"已写出 {roster} 和 {records}（{people} 人，种子 {seed}，{year} 年度）")
