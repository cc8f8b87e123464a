"""The fontconfig set-up LibreOffice converts with: the system fonts plus our Chinese aliases."""

import hashlib
import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from appraisal.cache import cache_dir

SHIPPED_CONF = Path(__file__).with_name("fonts.conf")
_SYSTEM_INCLUDE = '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
# Where distributions and Homebrew keep the main fontconfig file.
_SYSTEM_CANDIDATES = (
    Path("/etc/fonts/fonts.conf"),
    Path("/usr/local/etc/fonts/fonts.conf"),
    Path("/opt/homebrew/etc/fonts/fonts.conf"),
)


def system_fontconfig_file() -> Path | None:
    """The fontconfig file fonts would come from without us (respects a FONTCONFIG_FILE set)."""
    preset = os.environ.get("FONTCONFIG_FILE")
    if preset and Path(preset).is_file() and Path(preset).parent != cache_dir() / "fontconfig":
        return Path(preset)
    return next((p for p in _SYSTEM_CANDIDATES if p.is_file()), None)


def fontconfig_file() -> Path:
    """Our fonts.conf with its include pointing at this machine's system configuration.

    Checked on every call (it is small): a cleaned cache folder must not leave a dangling path.
    """
    text = SHIPPED_CONF.read_text(encoding="utf-8")
    system = system_fontconfig_file()
    if system is not None:
        include = f'<include ignore_missing="yes">{escape(str(system))}</include>'
        text = text.replace(_SYSTEM_INCLUDE, include)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    folder = cache_dir() / "fontconfig"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"fonts-{digest}.conf"
    if not target.is_file():
        # Write then rename: parallel converters (threads of one process too) may generate the
        # same file at the same time, so each writes a temporary file of its own.
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    return target


def fontconfig_env() -> dict[str, str]:
    """Variables to add to os.environ for a LibreOffice process so Chinese fonts come out SC."""
    return {"FONTCONFIG_FILE": str(fontconfig_file())}


def face_aliases() -> dict[str, list[str]]:
    """Each face name fonts.conf maps, with its target families in order of preference."""
    root = ElementTree.fromstring(SHIPPED_CONF.read_bytes())
    aliases: dict[str, list[str]] = {}
    for match in root.iter("match"):
        test = match.find("test")
        if test is None or test.get("name") != "family" or test.get("qual") != "first":
            continue
        name = test.findtext("string")
        targets = [t.text for t in match.iterfind("edit/string") if t.text]
        if name and targets:
            aliases[name] = targets
    return aliases


@lru_cache
def installed_families() -> frozenset[str]:
    """Family names fontconfig knows on this machine (empty if fc-list is missing)."""
    try:
        listed = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(name.strip() for line in listed.splitlines() for name in line.split(","))


def font_replacements() -> dict[str, str]:
    """Face name -> the installed family that stands in for it, from fonts.conf's aliases.

    LibreOffice needs these as its own replacement table as well: for text tagged zh-CN it
    resolves a Chinese face name (宋体, 仿宋_GB2312, 楷体) by its built-in CJK defaults, which
    pick Noto Sans CJK SC, without asking fontconfig. The replacement table comes first.
    """
    installed = installed_families()
    table = {}
    for name, targets in face_aliases().items():
        found = next((t for t in targets if t in installed), None)
        # A rule for an installed face itself (FandolFang) is there for fontconfig's fallback.
        if found and found != name:
            table[name] = found
    return table
