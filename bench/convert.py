"""Time DOCX -> PDF/A: one soffice process per file, against the warm parallel converter.

Makes N two-page Chinese documents (appraisal.pdf.sample: 宋体, 仿宋_GB2312, 黑体, 楷体,
方正小标宋简体, a table), then converts them
  1. one `soffice --convert-to` process per file, one after the other, as people script it, on
     one shared profile warmed by a first run (so no run pays the profile creation), and
  2. with appraisal.pdf.convert_many (its profiles warmed the same way).
Both produce PDF/A-2b with our font set-up. The two alternate over a few rounds (the per-file
run takes a share of the documents each round, the warm run all of them), so load from other
work on the machine falls on both. Prints per-document milliseconds for each round and their
medians, and ends with `convert_speedup_vs_soffice: Y`.

    .venv/bin/python bench/convert.py [--n 40] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from appraisal.pdf import convert_many, pdf_pages
from appraisal.pdf.fonts import fontconfig_env
from appraisal.pdf.profile import seed_profile
from appraisal.pdf.sample import write_sample_docx
from appraisal.pdf.soffice import PDFA2B_FILTER, find_soffice

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志"


def make_documents(folder: Path, n: int) -> list[Path]:
    docs = []
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[i % len(GIVEN)]
        docs.append(write_sample_docx(folder / f"推荐表-{i:03d}.docx", name=name))
    return docs


def soffice_per_file(docs: list[Path], out: Path, profile: Path) -> float:
    """Seconds for one soffice process per document, sequentially."""
    env = {**os.environ, **fontconfig_env()}
    soffice = str(find_soffice())
    start = time.perf_counter()
    for doc in docs:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                PDFA2B_FILTER,
                "--outdir",
                str(out),
                str(doc),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=300,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40, help="documents per warm run")
    parser.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternate the two methods this many times, so a busy machine hurts both alike",
    )
    args = parser.parse_args()
    workers = args.workers or os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        root = Path(tmp)
        docs = make_documents(root / "docx", args.n)
        print(f"documents: {len(docs)} (two pages each), cores: {os.cpu_count()}")

        profile = root / "soffice-profile"
        seed_profile(profile)  # same fonts as the converter, so both do the same work
        soffice_per_file(docs[:1], root / "warm-up", profile)
        profiles = root / "converter-profiles"
        warm_up = docs[: workers * 2]
        convert_many(warm_up, root / "warm-up-2", workers=workers, profile_root=profiles)

        per_file_ms: list[float] = []
        warm_ms: list[float] = []
        share = max(1, len(docs) // args.rounds)
        for r in range(args.rounds):
            # Each round: a share of the documents one process each, then all of them warm.
            chunk = docs[r * share : (r + 1) * share] or docs[:share]
            seconds = soffice_per_file(chunk, root / f"per-file-{r}", profile)
            per_file_ms.append(seconds / len(chunk) * 1000)
            start = time.perf_counter()
            results = convert_many(docs, root / f"warm-{r}", workers=workers, profile_root=profiles)
            warm_ms.append((time.perf_counter() - start) / len(docs) * 1000)
            failed = [c.error for c in results if not c.ok]
            if failed:
                raise SystemExit(f"conversion failed: {failed[:3]}")
            pages = sum(pdf_pages(c.pdf) for c in results if c.pdf)
            print(
                f"round {r + 1}: soffice per file {per_file_ms[-1]:.0f} ms/doc ({len(chunk)} "
                f"files), warm converter {warm_ms[-1]:.0f} ms/doc ({len(docs)} files, "
                f"{pages} pages, {workers} workers)"
            )
        per_file, warm = statistics.median(per_file_ms), statistics.median(warm_ms)
        print(f"soffice_per_file_ms_per_document: {per_file:.0f}")
        print(f"warm_converter_ms_per_document: {warm:.0f}")
        print(f"convert_speedup_vs_soffice: {per_file / warm:.1f}")


if __name__ == "__main__":
    main()
