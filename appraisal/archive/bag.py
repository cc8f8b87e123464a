"""BagIt packages (RFC 8493, version 1.0): write one atomically, verify one, find them in a folder.

Written here rather than with the `bagit` library, which the tests use instead as an independent
reader of what we write. `bagit.make_bag` changes the process's working directory (unsafe while
Prefect seals several people in threads), moves files in, writes version 0.97, lists its tag
manifests in directory order and does not percent-encode "%". `Bag.validate` stops at the first
failing stage (a Payload-Oxum mismatch hides which file was added), only logs a garbled manifest
line, raises on a missing bagit.txt and does not notice an added tag file. The RFC's writer and
verifier fit in this module, and here every finding becomes a `BagProblem`.

Words in `BagProblem.check`: "not-a-bag", "bagit.txt", "bag-info", "manifest" (a manifest file
missing or a line of it unusable), "oxum"; for payload files "missing", "extra", "checksum",
"unreadable"; for tag files "tag-missing", "tag-extra", "tag-checksum". `verify.py` adds its own.
Those words are keys for code and tests; people read `BagProblem.kind`, and each `detail` is
"中文 / English".
"""

import codecs
import hashlib
import os
import re
import secrets
import shutil
import stat
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from appraisal.clock import today as clock_today

ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_BLOCK = 1 << 20
_TOKEN = 16  # hex digits in the random part of staging and old folder names


# What an archivist reads for each `check` word, here and in verify.py.
KINDS = {
    "not-a-bag": "不是档案包",
    "bagit.txt": "bagit.txt",
    "bag-info": "bag-info.txt",
    "manifest": "清单",
    "oxum": "文件总量",
    "missing": "缺失",
    "extra": "多出",
    "checksum": "校验值不符",
    "unreadable": "无法读取",
    "tag-missing": "标签文件缺失",
    "tag-extra": "多出标签文件",
    "tag-checksum": "标签文件校验值不符",
    "record": "记录",
    "pages": "页数",
    "outline": "书签",
    "signature": "签名",
    "signature not trusted": "签名未受信任",
    "letters": "公函",
    "database": "数据库",
    "dossier": "档案",
}


@dataclass(frozen=True)
class BagProblem:
    path: str
    check: str
    detail: str

    @property
    def kind(self) -> str:
        return KINDS.get(self.check, self.check)

    def __str__(self) -> str:
        return f"{self.path}：{self.kind}：{self.detail}"


class NotAsRecorded(ValueError):
    """A file copied into a bag is not the file whose checksum was recorded for it."""


def write_bag(
    target: Path,
    payload: Mapping[str, Path | bytes],
    info: Mapping[str, str],
    expected: Mapping[str, str] | None = None,
) -> Path:
    """Seal `payload` as a bag at `target`, replacing any bag there whole, and return `target`.

    Keys are paths inside data/ ("documents/x.pdf"); a Path value is copied, never moved.
    bag-info.txt gets `info` in its order, Bagging-Date (the clock's today) unless given, and
    the computed Payload-Oxum. Equal inputs give byte-identical tag files. One writer per target
    at a time. `expected` gives the SHA-256 some payload files must have (as recorded when they
    came in): the bytes are checked as they are copied, and any other bytes raise NotAsRecorded,
    naming the file, with the earlier bag (if any) left in place.
    """
    target = Path(target)
    if not target.name or target.name in (".", ".."):
        raise ValueError(f"{target} does not name a folder to write a bag into")
    _check_names(payload)
    lines = _bag_info(info, clock_today())
    target.parent.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(target)
    staging = _fresh_dir(target.parent / f".{target.name}.staging-")
    try:
        _build(staging, payload, lines, expected or {})
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def find_bags(path: Path) -> list[Path]:
    """`path` itself if it is a bag, else every bag below it; dot-folders (staging, old) skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(path):
        if "bagit.txt" in filenames:
            found.append(Path(dirpath))
            dirnames.clear()  # a bag's payload is its content, not more packages
        else:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    return sorted(found)


def verify_bag(path: Path) -> list[BagProblem]:
    """Everything wrong with the bag at `path`, each named; [] when it is complete and intact.

    Every payload and tag file is read once and checked against every manifest that lists it.
    A damaged bag, or a folder that is no bag at all, gives problems, never an exception.
    """
    root = Path(path)
    try:
        names = set(os.listdir(root))
    except OSError as exc:
        detail = f"{root} 无法列出内容 / cannot be listed: {exc.strerror}"
        return [BagProblem(".", "not-a-bag", detail)]
    if "bagit.txt" not in names and not any(n.startswith("manifest-") for n in names):
        detail = (
            f"{root} 中没有 bagit.txt，也没有清单，不是档案包 / "
            "has no bagit.txt and no manifest: it is not a bag"
        )
        return [BagProblem(".", "not-a-bag", detail)]
    problems: list[BagProblem] = []
    encoding = _bagit_txt(root, problems)
    info: list[tuple[str, str]] = []
    if "bag-info.txt" in names:
        text = _read_text(root, "bag-info.txt", "bag-info", encoding, problems)
        info = _parse_tags(text or "", "bag-info.txt", "bag-info", problems)
    payload = _manifests(root, names, "manifest", encoding, problems)
    tags = _manifests(root, names, "tagmanifest", encoding, problems)
    if not (root / "data").is_dir():
        detail = "缺少存放内容的 data/ 文件夹 / the payload folder data/ is missing"
        problems.append(BagProblem("data", "missing", detail))
    else:
        files = _walk(root, root / "data", problems)
        _oxum(info, files, problems)
        if payload:
            _compare(root, payload, files, "", problems)
    if tags:
        named = {p.path for p in problems}  # a missing manifest is reported once, not twice
        _compare(root, tags, _tag_files(root, problems), "tag-", problems, named)
    return problems


def _check_names(payload: Mapping[str, Path | bytes]) -> None:
    seen: dict[str, str] = {}
    for name in payload:
        parts = name.split("/")
        if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"payload name {name!r} is not a plain relative path")
        # Two spellings of one name would collide on macOS and in our NFC comparison.
        key = unicodedata.normalize("NFC", name)
        if key in seen:
            raise ValueError(f"payload names {seen[key]!r} and {name!r} are the same in NFC")
        seen[key] = name


def _bag_info(info: Mapping[str, str], today: date) -> dict[str, str]:
    for label, value in info.items():
        broken = any(c in label + value for c in "\r\n")
        if not label or ":" in label or label != label.strip() or broken:
            raise ValueError(f"bag-info entry {label!r}: {value!r} cannot be one tag line")
    lines = {k: v for k, v in info.items() if k != "Payload-Oxum"}
    lines.setdefault("Bagging-Date", today.isoformat())
    return lines


def _build(
    root: Path,
    payload: Mapping[str, Path | bytes],
    info: dict[str, str],
    expected: Mapping[str, str],
) -> None:
    rows: list[tuple[str, list[str]]] = []
    total = 0
    (root / "data").mkdir()  # even when empty: RFC 8493 requires the payload folder
    for name, source in payload.items():
        dest = root / "data" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        digests, size = _copy(source, dest)
        want = expected.get(name)
        if want and digests[0] != want:  # ALGORITHMS[0] is sha256
            raise NotAsRecorded(
                # Only files that came in have a recorded digest, so `source` is a Path here.
                f"data/{name}：{source!s} 的 SHA-256 为 {digests[0]}，收到时记录的是 {want}，"
                "文件此后已被改动，未封存 / "
                "the file has changed since it came in; not sealed"
            )
        rows.append((_encode("data/" + name), digests))
        total += size
    rows.sort()
    tags = {
        "bagit.txt": BAGIT_TXT,
        "bag-info.txt": "".join(
            f"{k}: {v}\n" for k, v in {**info, "Payload-Oxum": f"{total}.{len(rows)}"}.items()
        ),
    }
    for i, alg in enumerate(ALGORITHMS):
        tags[f"manifest-{alg}.txt"] = "".join(f"{d[i]}  {p}\n" for p, d in rows)
    blobs = {name: text.encode("utf-8") for name, text in tags.items()}
    for alg in ALGORITHMS:
        lines = (f"{hashlib.new(alg, b).hexdigest()}  {n}\n" for n, b in sorted(blobs.items()))
        (root / f"tagmanifest-{alg}.txt").write_bytes("".join(lines).encode("utf-8"))
    for name, blob in blobs.items():
        (root / name).write_bytes(blob)


def _copy(source: Path | bytes, dest: Path) -> tuple[list[str], int]:
    """Write `source` to `dest`, hashing the bytes on their way through: one read per file."""
    hashers = [hashlib.new(alg) for alg in ALGORITHMS]
    size = 0
    with dest.open("xb") as out:
        for block in _blocks(source):
            for h in hashers:
                h.update(block)
            out.write(block)
            size += len(block)
    return [h.hexdigest() for h in hashers], size


def _blocks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield bytes(source)
        return
    with open(source, "rb") as f:
        while block := f.read(_BLOCK):
            yield block


def _clear_leftovers(target: Path) -> None:
    """Remove what a crashed write for this target left behind, and nothing of anyone else's."""
    ours = re.compile(rf"\.{re.escape(target.name)}\.(staging|old)-[0-9a-f]{{{_TOKEN}}}")
    for entry in os.scandir(target.parent):
        if ours.fullmatch(entry.name):
            _remove(Path(entry.path))


def _fresh_dir(prefix: Path) -> Path:
    # Not tempfile.mkdtemp: its 0700 mode would become the sealed bag's, shutting out readers.
    while True:
        path = prefix.with_name(prefix.name + secrets.token_hex(_TOKEN // 2))
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path


def _swap(staging: Path, target: Path) -> None:
    """Put the finished staging folder at `target`: whole old bag, then whole new one.

    Two renames within one folder, so one filesystem: the old bag steps aside before the new one
    takes its name, and comes back if that fails.
    """
    old = None
    if target.exists() or target.is_symlink():
        old = target.with_name(f".{target.name}.old-{secrets.token_hex(_TOKEN // 2)}")
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        _remove(old)


def _remove(path: Path) -> None:
    # A failure here leaves a dot-folder that the next write for the same target clears.
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _encode(path: str) -> str:
    # RFC 8493 2.1.3: percent-encode exactly these three, "%" first.
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode(path: str) -> str:
    table = {"%25": "%", "%0D": "\r", "%0A": "\n"}
    return re.sub(r"%(25|0[dDaA])", lambda m: table[m.group(0).upper()], path)


_LINE = re.compile(r"([0-9A-Fa-f]+)[ \t]+(.+)")
_NAMES = {"sha256": "SHA-256", "sha512": "SHA-512"}


def _bagit_txt(root: Path, problems: list[BagProblem]) -> str:
    """Check bagit.txt and return the encoding it declares for the other tag files."""
    if not (root / "bagit.txt").is_file():
        detail = (
            "缺少 bagit.txt：没有它，任何 BagIt 工具都不会把这个文件夹当作档案包 / "
            "bagit.txt is missing: without it no BagIt tool takes this folder for a bag"
        )
        problems.append(BagProblem("bagit.txt", "bagit.txt", detail))
        return "utf-8"
    text = _read_text(root, "bagit.txt", "bagit.txt", "utf-8", problems)
    if text is None:
        return "utf-8"
    if text.startswith("\ufeff"):
        detail = (
            "bagit.txt 以字节顺序标记（BOM）开头，RFC 8493 不允许 / "
            "bagit.txt starts with a byte-order mark, which RFC 8493 forbids"
        )
        problems.append(BagProblem("bagit.txt", "bagit.txt", detail))
    tags = dict(_parse_tags(text.lstrip("\ufeff"), "bagit.txt", "bagit.txt", problems))
    version = tags.get("BagIt-Version")
    if version is None or not re.fullmatch(r"\d+\.\d+", version):
        detail = (
            f"bagit.txt 中的 BagIt-Version 为 {version!r}，不是 1.0 这样的版本号 / "
            "not a version like 1.0"
        )
        problems.append(BagProblem("bagit.txt", "bagit.txt", detail))
    encoding = tags.get("Tag-File-Character-Encoding", "")
    try:
        codecs.lookup(encoding)
    except LookupError:
        detail = (
            f"bagit.txt 中的 Tag-File-Character-Encoding 为 {encoding!r}，不是已知的编码 / "
            "not a known encoding"
        )
        problems.append(BagProblem("bagit.txt", "bagit.txt", detail))
        return "utf-8"
    return encoding


def _read_text(
    root: Path, name: str, check: str, encoding: str, problems: list[BagProblem]
) -> str | None:
    try:
        raw = (root / name).read_bytes()
    except OSError as exc:
        detail = f"{name} 无法读取 / cannot be read: {exc.strerror}"
        problems.append(BagProblem(name, "unreadable", detail))
        return None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        detail = (
            f"{name} 不是有效的 {encoding} 文本（第 {exc.start} 字节） / "
            f"is not valid {encoding}: {exc.reason} at byte {exc.start}"
        )
        problems.append(BagProblem(name, check, detail))
        return None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    # Not str.splitlines: it also breaks at U+2028 and friends, which may be in a file name.
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield number, line.removesuffix("\r")


def _parse_tags(
    text: str, name: str, check: str, problems: list[BagProblem]
) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = []
    for number, line in _lines(text):
        if line[0] in " \t" and tags:  # a folded continuation of the value above
            label, value = tags[-1]
            tags[-1] = (label, f"{value} {line.strip()}")
            continue
        label, colon, value = line.partition(":")
        if not colon or not label or label != label.strip():
            detail = (
                f"{name} 第 {number} 行（{line[:100]!r}）不是“标签: 值”的格式 / "
                "is not 'Label: value'"
            )
            problems.append(BagProblem(name, check, detail))
            continue
        tags.append((label, value.strip()))
    return tags


def _manifests(
    root: Path, names: set[str], kind: str, encoding: str, problems: list[BagProblem]
) -> dict[str, dict[str, str]]:
    """Each `kind`-ALG.txt in the bag: manifest name -> {path: checksum}."""
    what = ("内容文件", "payload") if kind == "manifest" else ("标签文件", "tag files")
    for alg in ALGORITHMS:
        name = f"{kind}-{alg}.txt"
        if name not in names:
            detail = (
                f"缺少 {name}：无法用 {_NAMES[alg]} 核对{what[0]} / "
                f"{name} is missing: the {what[1]} cannot be checked with {_NAMES[alg]}"
            )
            problems.append(BagProblem(name, "manifest", detail))
    found = {}
    for name in sorted(n for n in names if re.fullmatch(rf"{kind}-\w+\.txt", n)):
        entries = _manifest(root, name, kind, encoding, problems)
        if entries is not None:
            found[name] = entries
    return found


def _manifest(
    root: Path, name: str, kind: str, encoding: str, problems: list[BagProblem]
) -> dict[str, str] | None:
    alg = _algorithm(name)
    try:
        width = hashlib.new(alg).digest_size * 2
    except ValueError:
        detail = f"{name}：本机不支持 {alg} 算法 / {alg} is not available here"
        problems.append(BagProblem(name, "manifest", detail))
        return None
    text = _read_text(root, name, "manifest", encoding, problems)
    if text is None:
        return None
    entries: dict[str, str] = {}
    for number, line in _lines(text):
        match = _LINE.fullmatch(line)
        path = _decode(match.group(2)) if match else ""
        if not match or len(match.group(1)) != width:
            name_ = _NAMES.get(alg, alg)
            why = (f"不是“<{name_} 校验值> <路径>”的格式", f"is not '<{name_} checksum> <path>'")
        elif path.startswith("/") or any(p in ("", ".", "..") for p in path.split("/")):
            why = ("指向档案包以外的路径", "names a path outside the bag")
        elif path.startswith("data/") != (kind == "manifest") or path.startswith("tagmanifest-"):
            why = ("列了这类清单不应列出的文件", f"names a file a {kind} must not list")
        elif path in entries:
            why = ("重复列出了同一个文件", "lists a file a second time")
        else:
            entries[path] = match.group(1).lower()
            continue
        detail = f"{name} 第 {number} 行（{line[:100]!r}）{why[0]} / line {number} {why[1]}"
        problems.append(BagProblem(name, "manifest", detail))
    return entries


def _algorithm(manifest: str) -> str:
    return manifest.split("-", 1)[1].removesuffix(".txt")


def _walk(root: Path, top: Path, problems: list[BagProblem]) -> dict[str, int]:
    """Regular files under `top`, by path relative to the bag root, with their sizes."""

    def unlisted(exc: OSError) -> None:
        where = os.path.relpath(exc.filename, root)
        detail = f"{where} 无法列出内容 / cannot be listed: {exc.strerror}"
        problems.append(BagProblem(where, "unreadable", detail))

    files = {}
    for dirpath, _, filenames in os.walk(top, onerror=unlisted):
        for filename in filenames:
            rel = os.path.relpath(os.path.join(dirpath, filename), root).replace(os.sep, "/")
            size = _size(root, rel, problems)
            if size is not None:
                files[rel] = size
    return files


def _size(root: Path, rel: str, problems: list[BagProblem]) -> int | None:
    try:
        st = os.stat(root / rel)
    except OSError as exc:
        detail = f"{rel} 无法读取 / cannot be read: {exc.strerror}"
        problems.append(BagProblem(rel, "unreadable", detail))
        return None
    if not stat.S_ISREG(st.st_mode):
        # Opening a pipe or device to hash it could block or never end.
        detail = f"{rel} 不是普通文件 / is not a regular file"
        problems.append(BagProblem(rel, "unreadable", detail))
        return None
    return st.st_size


def _tag_files(root: Path, problems: list[BagProblem]) -> dict[str, int]:
    files: dict[str, int] = {}
    for entry in os.scandir(root):
        if entry.name == "data":
            continue
        if entry.is_dir(follow_symlinks=False):
            files.update(_walk(root, Path(entry.path), problems))
        elif not re.fullmatch(r"tagmanifest-\w+\.txt", entry.name):
            size = _size(root, entry.name, problems)
            if size is not None:
                files[entry.name] = size
    return files


def _oxum(info: list[tuple[str, str]], files: dict[str, int], problems: list[BagProblem]) -> None:
    given = [value for label, value in info if label == "Payload-Oxum"]
    if not given:
        return
    match = re.fullmatch(r"(\d+)\.(\d+)", given[0])
    if len(given) > 1 or not match:
        detail = (
            f"bag-info.txt 中的 Payload-Oxum 为 {'、'.join(given)}，"
            "应是“<字节数>.<文件数>”格式的一个值 / "
            "not one '<bytes>.<files>'"
        )
        problems.append(BagProblem("bag-info.txt", "oxum", detail))
        return
    size, count = sum(files.values()), len(files)
    if (int(match.group(1)), int(match.group(2))) != (size, count):
        detail = (
            f"bag-info.txt 的 Payload-Oxum 记为 {match.group(2)} 个文件共 {match.group(1)} 字节，"
            f"data/ 中实有 {count} 个文件共 {size} 字节 / "
            "the payload's size or number of files differs from Payload-Oxum in bag-info.txt"
        )
        problems.append(BagProblem(".", "oxum", detail))


def _compare(
    root: Path,
    manifests: dict[str, dict[str, str]],
    files: dict[str, int],
    prefix: str,
    problems: list[BagProblem],
    reported: set[str] | None = None,
) -> None:
    """Files on disk against manifests: missing, extra, or a checksum that differs."""
    kind = ("标签清单", "tag manifest") if prefix else ("清单", "manifest")
    # Compared in NFC: a copy through macOS may respell every Chinese name in NFD.
    on_disk = {unicodedata.normalize("NFC", p): p for p in files}
    listed: dict[str, dict[str, str]] = {}
    spelled: dict[str, str] = {}
    for manifest, entries in manifests.items():
        for path, checksum in entries.items():
            key = unicodedata.normalize("NFC", path)
            listed.setdefault(key, {})[manifest] = checksum
            spelled.setdefault(key, path)
    for key in sorted(listed.keys() | on_disk.keys()):
        if key not in on_disk:
            path = spelled[key]
            if path not in (reported or set()):
                detail = (
                    f"{path} 列在{kind[0]}中，档案包中却没有 / "
                    f"is listed in the {kind[1]} but is not in the bag"
                )
                problems.append(BagProblem(path, f"{prefix}missing", detail))
            continue
        path = on_disk[key]
        want = listed.get(key)
        if want is None:
            detail = f"{path} 不在{kind[0]}中 / is not in the {kind[1]}"
            problems.append(BagProblem(path, f"{prefix}extra", detail))
            continue
        absent = sorted(manifests.keys() - want.keys())
        if absent:
            detail = (
                f"{path} 列在 {'、'.join(sorted(want))} 中，却不在 {'、'.join(absent)} 中 / "
                "is not in every manifest"
            )
            problems.append(BagProblem(path, "manifest", detail))
        try:
            got = _digests(root / path, [_algorithm(m) for m in want])
        except OSError as exc:
            detail = f"{path} 无法读取 / cannot be read: {exc.strerror}"
            problems.append(BagProblem(path, "unreadable", detail))
            continue
        wrong = [
            f"{_NAMES.get(alg, alg)} 为 {got[alg][:16]}…，{manifest} 记的是 {checksum[:16]}…"
            for manifest, checksum in sorted(want.items())
            if got[alg := _algorithm(manifest)] != checksum
        ]
        if wrong:
            detail = (
                f"{'；'.join(wrong)}：文件在装入档案包后被改动过 / "
                "the file has changed since it was bagged"
            )
            problems.append(BagProblem(path, f"{prefix}checksum", detail))


def _digests(path: Path, algorithms: list[str]) -> dict[str, str]:
    hashers = {alg: hashlib.new(alg) for alg in algorithms}
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            for h in hashers.values():
                h.update(block)
    return {alg: h.hexdigest() for alg, h in hashers.items()}
