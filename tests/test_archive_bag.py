"""BagIt packages: written, read back by the Library of Congress implementation, and damaged."""

import hashlib
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import bagit
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.archive.bag import BagProblem, find_bags, verify_bag, write_bag

INFO = {
    "Cycle": "2026年度党外代表人士综合评价",
    "Person": "AP-0001 张三",
    "Scheme-Version": "3",
    "Bagging-Date": "2026-12-01",
}
NOMINATION = "documents/nomination/AP-0001 推荐表.docx"


def sources(tmp_path: Path) -> dict[str, Path | bytes]:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    dossier = src / "dossier.pdf"
    dossier.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    nomination = src / "推荐 表.docx"
    nomination.write_bytes(b"PK\x03\x04" + "推荐".encode() * 500)
    return {"dossier.pdf": dossier, NOMINATION: nomination, "record.json": b'{"pages": 12}'}


def sealed(tmp_path: Path) -> Path:
    return write_bag(tmp_path / "dossiers" / "AP-0001", sources(tmp_path), INFO)


def test_the_bagging_date_is_the_clocks_day_unless_given(
    tmp_path: Path, clock_at: Callable[[date], None]
) -> None:
    clock_at(date(2030, 1, 2))
    info = {k: v for k, v in INFO.items() if k != "Bagging-Date"}
    undated = write_bag(tmp_path / "undated", {"a.txt": b"a"}, info)
    assert "Bagging-Date: 2030-01-02\n" in (undated / "bag-info.txt").read_text(encoding="utf-8")
    dated = write_bag(tmp_path / "dated", {"a.txt": b"a"}, INFO)
    assert "Bagging-Date: 2026-12-01\n" in (dated / "bag-info.txt").read_text(encoding="utf-8")


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def siblings(bag: Path) -> list[str]:
    return sorted(p.name for p in bag.parent.iterdir() if p.name.startswith("."))


def checks(problems: list[BagProblem]) -> set[tuple[str, str]]:
    return {(p.path, p.check) for p in problems}


def test_written_bag_verifies_here_and_with_bagit(tmp_path: Path) -> None:
    payload = sources(tmp_path)
    bag = write_bag(tmp_path / "AP-0001", payload, INFO)
    assert verify_bag(bag) == []
    assert bagit.Bag(str(bag)).validate(processes=1)
    assert (bag / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert "Person: AP-0001 张三\n" in info and "Bagging-Date: 2026-12-01\n" in info
    size = sum(len(v) if isinstance(v, bytes) else v.stat().st_size for v in payload.values())
    assert f"Payload-Oxum: {size}.3\n" in info
    for name, source in payload.items():
        if isinstance(source, Path):
            assert source.is_file(), "the original stays where it was"
            assert (bag / "data" / name).read_bytes() == source.read_bytes()
    for alg in ("sha256", "sha512"):
        lines = (bag / f"manifest-{alg}.txt").read_text(encoding="utf-8").splitlines()
        paths = [line.split("  ", 1)[1] for line in lines]
        assert paths == sorted(paths) == sorted(f"data/{n}" for n in payload)
        digest = hashlib.new(alg, (bag / "data" / NOMINATION).read_bytes()).hexdigest()
        assert f"{digest}  data/{NOMINATION}" in lines
        tagged = (bag / f"tagmanifest-{alg}.txt").read_text().splitlines()
        assert [t.split("  ", 1)[1] for t in tagged] == [
            "bag-info.txt",
            "bagit.txt",
            "manifest-sha256.txt",
            "manifest-sha512.txt",
        ]


def test_equal_inputs_give_identical_tag_files(tmp_path: Path) -> None:
    a = write_bag(tmp_path / "a", sources(tmp_path), INFO)
    b = write_bag(tmp_path / "b", dict(reversed(sources(tmp_path).items())), INFO)
    for name in ("bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for name in ("tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_bagging_date_defaults_and_oxum_is_always_computed(tmp_path: Path) -> None:
    bag = write_bag(tmp_path / "b", {"x.txt": b"12345"}, {"Payload-Oxum": "1.1", "Cycle": "c"})
    info = (bag / "bag-info.txt").read_text()
    assert "Payload-Oxum: 5.1\n" in info and "Payload-Oxum: 1.1" not in info
    assert "Bagging-Date: " in info
    assert verify_bag(bag) == []


@pytest.mark.parametrize("name", ["dossier.pdf", NOMINATION, "record.json"])
def test_flipped_byte_is_a_checksum_problem_naming_the_file(tmp_path: Path, name: str) -> None:
    bag = sealed(tmp_path)
    flip(bag / "data" / name)
    [problem] = verify_bag(bag)
    assert (problem.path, problem.check) == (f"data/{name}", "checksum")
    assert "SHA-256" in problem.detail and "SHA-512" in problem.detail


def test_sha512_still_catches_a_change_the_sha256_manifest_was_fixed_up_for(
    tmp_path: Path,
) -> None:
    bag = sealed(tmp_path)
    pdf = bag / "data" / "dossier.pdf"
    before = hashlib.sha256(pdf.read_bytes()).hexdigest()
    flip(pdf)
    after = hashlib.sha256(pdf.read_bytes()).hexdigest()
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text().replace(before, after))
    problems = verify_bag(bag)
    assert checks(problems) == {
        ("data/dossier.pdf", "checksum"),
        ("manifest-sha256.txt", "tag-checksum"),
    }
    [payload] = [p for p in problems if p.check == "checksum"]
    assert "SHA-512" in payload.detail and "SHA-256" not in payload.detail


def test_removed_file_is_missing(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    (bag / "data" / NOMINATION).unlink()
    problems = verify_bag(bag)
    assert checks(problems) == {(f"data/{NOMINATION}", "missing"), (".", "oxum")}


def test_added_file_is_extra(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    (bag / "data" / "notes.txt").write_text("added later")
    problems = verify_bag(bag)
    extra = BagProblem(
        "data/notes.txt", "extra", "data/notes.txt 不在清单中 / is not in the manifest"
    )
    assert extra in problems
    assert str(extra) == "data/notes.txt：多出：data/notes.txt 不在清单中 / is not in the manifest"
    assert checks(problems) == {("data/notes.txt", "extra"), (".", "oxum")}


def test_tag_files_are_covered_by_the_tag_manifests(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text().replace("张三", "李四"), encoding="utf-8")
    assert checks(verify_bag(bag)) == {("bag-info.txt", "tag-checksum")}

    (bag / "notes.txt").write_text("added later")
    assert ("notes.txt", "tag-extra") in checks(verify_bag(bag))

    info.unlink()
    assert ("bag-info.txt", "tag-missing") in checks(verify_bag(bag))


@pytest.mark.parametrize("manifest", ["manifest-sha512.txt", "tagmanifest-sha256.txt"])
def test_a_missing_manifest_is_named_once(tmp_path: Path, manifest: str) -> None:
    bag = sealed(tmp_path)
    (bag / manifest).unlink()
    assert checks(verify_bag(bag)) == {(manifest, "manifest")}


def test_garbled_manifest_line_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text() + "not a checksum line\n../etc/passwd\n")
    problems = verify_bag(bag)
    garbled = [p for p in problems if p.path == "manifest-sha256.txt" and p.check == "manifest"]
    assert len(garbled) == 2 and "line 4" in garbled[0].detail
    assert garbled[0].detail.startswith(
        "manifest-sha256.txt 第 4 行（'not a checksum line'）不是“<SHA-256 校验值> <路径>”的格式 / "
    )
    assert "第 5 行（'../etc/passwd'）不是" in garbled[1].detail
    assert ("manifest-sha256.txt", "tag-checksum") in checks(problems)

    manifest.write_bytes(b"\xff\xfe garbage")
    assert ("manifest-sha256.txt", "manifest") in checks(verify_bag(bag))


def test_missing_bagit_txt_and_payload_folder(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    (bag / "bagit.txt").unlink()
    assert checks(verify_bag(bag)) == {("bagit.txt", "bagit.txt")}
    (bag / "bagit.txt").write_text("BagIt-Version: one\n")
    assert ("bagit.txt", "bagit.txt") in checks(verify_bag(bag))

    bag = write_bag(tmp_path / "other", {"a.txt": b"a"}, INFO)
    (bag / "data" / "a.txt").unlink()
    (bag / "data").rmdir()
    assert ("data", "missing") in checks(verify_bag(bag))


def test_something_that_is_no_bag_gives_a_problem(tmp_path: Path) -> None:
    (tmp_path / "folder" / "data").mkdir(parents=True)
    (tmp_path / "file.txt").write_text("x")
    for path in (tmp_path / "folder", tmp_path / "file.txt", tmp_path / "absent"):
        [problem] = verify_bag(path)
        assert (problem.path, problem.check) == (".", "not-a-bag")


def test_a_pipe_in_the_payload_is_named_without_reading_it(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    (bag / "data" / "record.json").unlink()
    os.mkfifo(bag / "data" / "record.json")
    assert ("data/record.json", "unreadable") in checks(verify_bag(bag))


def test_writing_again_replaces_the_whole_bag(tmp_path: Path) -> None:
    target = tmp_path / "dossiers" / "AP-0001"
    write_bag(target, {"old.txt": b"old", "record.json": b"1"}, INFO)
    write_bag(target, {"record.json": b"2"}, INFO)
    assert sorted(p.name for p in (target / "data").iterdir()) == ["record.json"]
    assert (target / "data" / "record.json").read_bytes() == b"2"
    assert verify_bag(target) == []
    assert siblings(target) == []


def test_a_failed_write_leaves_the_previous_bag_and_no_staging(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    before = {p: p.read_bytes() for p in bag.rglob("*") if p.is_file()}
    with pytest.raises(FileNotFoundError):
        write_bag(bag, {"a.txt": b"a", "z.pdf": tmp_path / "no such file.pdf"}, INFO)
    assert {p: p.read_bytes() for p in bag.rglob("*") if p.is_file()} == before
    assert verify_bag(bag) == []
    assert siblings(bag) == []


@pytest.mark.parametrize(
    "bad", [{"../x": b""}, {"/etc/x": b""}, {"": b""}, {"a//b": b""}, {"a/./b": b""}]
)
def test_payload_names_must_stay_inside_data(tmp_path: Path, bad: dict[str, bytes]) -> None:
    with pytest.raises(ValueError):
        write_bag(tmp_path / "b", bad, INFO)
    assert list(tmp_path.iterdir()) == []


def test_info_values_must_fit_one_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_bag(tmp_path / "b", {"a": b"a"}, {"Note": "two\nlines"})


def test_leftovers_of_a_crash_are_cleared_by_the_next_write(tmp_path: Path) -> None:
    bag = sealed(tmp_path)
    for leftover in (".AP-0001.staging-0123456789abcdef", ".AP-0001.old-fedcba9876543210"):
        (bag.parent / leftover / "data").mkdir(parents=True)
        (bag.parent / leftover / "bagit.txt").write_text("half")
    unrelated = bag.parent / ".AP-0001.pdf-tmp"  # someone else's working folder
    unrelated.mkdir()
    sealed(tmp_path)
    assert siblings(bag) == [unrelated.name]
    assert verify_bag(bag) == []


def test_find_bags_skips_dot_folders_and_does_not_look_inside_bags(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    one = write_bag(root / "2026" / "AP-0001", {"a.txt": b"a"}, INFO)
    two = write_bag(root / "2026" / "deeper" / "AP-0002", {"inner/bagit.txt": b"x"}, INFO)
    write_bag(root / "2026" / ".AP-0003.old-0123456789abcdef", {"a.txt": b"a"}, INFO)
    (root / "empty").mkdir()
    assert find_bags(root) == [one, two]
    assert find_bags(one) == [one]
    assert find_bags(tmp_path / "absent") == []


def test_chinese_names_with_spaces_and_percent_signs(tmp_path: Path) -> None:
    payload: dict[str, Path | bytes] = {
        "documents/征求意见/AP-0001 征求意见 回执.pdf": b"reply",
        "documents/结果通知/通知 第1版.docx": b"notice",
    }
    bag = write_bag(tmp_path / "张三 档案", payload, INFO)
    assert verify_bag(bag) == []
    assert bagit.Bag(str(bag)).validate(processes=1)
    flip(bag / "data" / "documents/结果通知/通知 第1版.docx")
    assert checks(verify_bag(bag)) == {("data/documents/结果通知/通知 第1版.docx", "checksum")}

    odd = write_bag(tmp_path / "odd", {"100% 完成.txt": b"a", "two\nlines.txt": b"b"}, INFO)
    manifest = (odd / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert "data/100%25 完成.txt" in manifest and "data/two%0Alines.txt" in manifest
    assert verify_bag(odd) == []


NAME = st.text(alphabet="abc 考核推荐表%-_.\n", min_size=1, max_size=12).filter(
    lambda s: s.strip(".") != "" and s not in (".", "..")
)


@settings(max_examples=40, deadline=None)
@given(
    files=st.dictionaries(
        st.lists(NAME, min_size=1, max_size=3).map("/".join), st.binary(max_size=300), max_size=6
    ),
    victim=st.integers(min_value=0),
)
def test_any_names_round_trip_and_any_flip_is_found(files: dict[str, bytes], victim: int) -> None:
    # Keep only names that are not also a folder of another name ("a" beside "a/b").
    names = {n: b for n, b in files.items() if not any(o.startswith(n + "/") for o in files)}
    with tempfile.TemporaryDirectory() as tmp:
        bag = write_bag(Path(tmp) / "bag", names, INFO)
        assert verify_bag(bag) == []
        nonempty = sorted(n for n, b in names.items() if b)
        if nonempty:
            name = nonempty[victim % len(nonempty)]
            flip(bag / "data" / name)
            assert checks(verify_bag(bag)) == {(f"data/{name}", "checksum")}
