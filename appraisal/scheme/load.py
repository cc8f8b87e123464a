"""Reading a scheme: TOML text in, a checked `Scheme` out, or every problem named by its key."""

import hashlib
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appraisal.scheme.checks import Problem, check_scheme
from appraisal.scheme.model import Scheme

_TOML_AT = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


class SchemeError(ValueError):
    """A scheme that cannot be used; `problems` holds one `<file>: <key>: <problem>` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def default_scheme_path() -> Path:
    return Path(__file__).resolve().parent.parent / "schemes" / "default.toml"


def load_scheme(path: Path | str) -> Scheme:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SchemeError([f"{path}: 文件不存在 / no such file"]) from None
    except OSError as exc:
        raise SchemeError([f"{path}: 无法读取 / cannot be read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemeError(
            [f"{path}: 第 {exc.start} 字节不是 UTF-8 文本，请将文件另存为 UTF-8 / not UTF-8"]
        ) from None
    return parse_scheme(text, str(path))


def parse_scheme(text: str, source: str = "<scheme>") -> Scheme:
    """The scheme in `text` (and nothing else); `source` names it in error messages."""
    # Windows editors may start a UTF-8 file with a byte-order mark that TOML does not allow.
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError([_syntax_problem(source, str(exc))]) from None
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError([f"{source}: {k}: {p}" for k, p in _type_problems(exc, data)]) from None
    problems = check_scheme(scheme)
    if problems:
        raise SchemeError([f"{source}: {key}: {problem}" for key, problem in problems])
    scheme._text = text
    scheme._sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return scheme


def _syntax_problem(source: str, message: str) -> str:
    match = _TOML_AT.match(message)
    if match is None:
        return f"{source}: TOML 语法错误：{message}"
    return f"{source}: 第 {match['line']} 行第 {match['col']} 列: TOML 语法错误：{match['msg']}"


def _type_problems(exc: ValidationError, data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    bad_keys = {e["loc"][:-1] for e in exc.errors() if e["loc"][-1:] == ("[key]",)}
    for error in exc.errors():
        loc = error["loc"]
        if loc in bad_keys:
            continue  # the key itself is wrong; its value's complaint would only add noise
        if loc[-1:] == ("[key]",):
            loc = loc[:-1]
            problem = f"未知的键“{loc[-1]}”：{_reason(error)}"
        elif error["type"] == "extra_forbidden":
            problem = "未知的键：评价方案中没有这一项（请检查拼写）"
        elif error["type"] == "missing":
            problem = "缺少：这一项必须填写"
        else:
            problem = _reason(error)
        code = _item_code(loc, data)
        problems.append(
            (".".join(str(p) for p in loc), f"（{code}）{problem}" if code else problem)
        )
    return problems


def _reason(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message.replace("Input should be", "应为")


def _item_code(loc: tuple[Any, ...], data: dict[str, Any]) -> str | None:
    """The code of the negative-list item a problem sits in, so staff find the line."""
    if loc[:2] != ("negative_list", "items") or len(loc) < 3 or not isinstance(loc[2], int):
        return None
    try:
        code = data["negative_list"]["items"][loc[2]].get("code")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return code if isinstance(code, str) else None
