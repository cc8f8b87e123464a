"""`archive verify` and the digital signatures a package keeps: one line per file, no tracebacks,
whether or not trust roots are configured."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appraisal.archive.bag import write_bag
from appraisal.archive.dossier import read_layout
from appraisal.simulate import digitally_sign, make_demo_pki
from tests.intake_helpers import blank_scan

ROOT = Path(__file__).resolve().parents[1]
SIGNED = ["returns/AP-1-v1.pdf", "returns/AP-2-v1.pdf"]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A sealed package keeping two digitally signed returns; its signer's root; another root."""
    d = tmp_path_factory.mktemp("verify")
    pki = make_demo_pki(d / "pki")
    other = make_demo_pki(d / "other", seed="someone else")
    dossier = blank_scan(d / "dossier.pdf")
    layout = read_layout(dossier)
    payload: dict[str, Path | bytes] = {"dossier.pdf": dossier}
    for n, name in enumerate(SIGNED):
        payload[name] = digitally_sign(
            blank_scan(d / f"scan-{n}.pdf"), d / f"signed-{n}.pdf", key=pki.signer_key,
            cert=pki.signer_cert, signer_name=pki.signer_name,
        )  # fmt: skip
    record = {
        "dossier": {"pages": layout.pages, "outline": []},
        "documents": [{"returns": [{"method": "digital", "path": name}]} for name in SIGNED],
    }
    payload["record.json"] = json.dumps(record).encode()
    bag = write_bag(d / "dossiers" / "P00001", payload, {"Person": "P00001"})
    return bag, pki.root_cert, other.root_cert


def _verify(bag: Path, roots: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APPRAISAL_TRUST_ROOTS": roots, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "appraisal", "archive", "verify", str(bag)],
        capture_output=True, text=True, env=env, cwd=bag.parent, timeout=120,
    )  # fmt: skip


def test_without_trust_roots_each_signature_is_one_line_and_the_package_is_ok(
    package: tuple[Path, Path, Path],
) -> None:
    bag, _, _ = package
    done = _verify(bag, "")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "PathBuildingError" not in done.stderr
    assert done.stderr == ""
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert lines[0] == f"完好 {bag}"
    for name in SIGNED:
        (line,) = [x for x in lines if x.startswith(f"data/{name}：")]
        assert line.startswith(f"data/{name}：签名未受信任：签名完整但不受信任：")
        assert "未配置信任根，无从核验证书" in line.split(" / ")[0]
        assert "no trust roots are configured" in line


def test_with_another_root_each_untrusted_signature_is_one_failing_line(
    package: tuple[Path, Path, Path],
) -> None:
    bag, root, other = package
    done = _verify(bag, str(other))
    assert done.returncode == 1 and done.stderr == "", done.stderr
    failing = [line for line in done.stdout.splitlines() if "does not chain" in line]
    assert len(failing) == len(SIGNED)
    assert all("：签名：签名完整但不受信任：" in line for line in failing)
    assert all("证书不能追溯到已配置的信任根" in line.split(" / ")[0] for line in failing)
    assert _verify(bag, str(root)).returncode == 0
