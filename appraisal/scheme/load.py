"""Reading a scheme: TOML text in, a checked `Scheme` out, or every problem named by its key."""

import hashlib
import re
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appraisal.scheme.checks import Problem, check_scheme
from appraisal.scheme.model import Scheme

_TOML_AT = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


class SchemeError(ValueError):
    """A scheme that cannot be used; `problems` holds one line each, "方案 <file>：字段 <key>：
    <problem>", the problem in Chinese, with pydantic's English after " / " where it has some."""

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
        raise SchemeError([f"方案 {path}：文件不存在 / no such file"]) from None
    except OSError as exc:
        raise SchemeError([f"方案 {path}：无法读取 / cannot be read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemeError(
            [
                f"方案 {path}：第 {exc.start} 字节不是 UTF-8 文本，请将文件另存为 UTF-8 编码 / "
                "not UTF-8"
            ]
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
        raise SchemeError([_line(source, k, p) for k, p in _type_problems(exc, data)]) from None
    problems = check_scheme(scheme)
    if problems:
        raise SchemeError([_line(source, key, problem) for key, problem in problems])
    scheme._text = text
    scheme._sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return scheme


def _line(source: str, key: str, problem: str) -> str:
    return f"方案 {source}：字段 {key}：{problem}"


def _syntax_problem(source: str, message: str) -> str:
    match = _TOML_AT.match(message)
    if match is None:
        return f"方案 {source}：TOML 语法错误 / TOML syntax error: {message}"
    where = f"第 {match['line']} 行第 {match['col']} 列"
    return f"方案 {source}：{where}：TOML 语法错误 / TOML syntax error: {match['msg']}"


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
            problem = f"未知的键：评价方案中没有这一项（请检查拼写） / {error['msg']}"
        elif error["type"] == "missing":
            problem = f"缺少：这一项必须填写 / {error['msg']}"
        else:
            problem = _reason(error)
        code = _item_code(loc, data)
        problems.append(
            (".".join(str(p) for p in loc), f"（{code}）{problem}" if code else problem)
        )
    return problems


def _reason(error: Any) -> str:
    """Chinese for pydantic's complaint, its English kept after " / " for whoever reads it."""
    message = str(error["msg"])
    if error["type"] == "value_error":
        return message.removeprefix("Value error, ")  # our own validators speak Chinese
    ctx = error.get("ctx") or {}
    say = _CHINESE.get(error["type"])
    chinese = say(ctx) if say else "不符合要求"
    return f"{chinese} / {message}"


def _choices(ctx: dict[str, Any]) -> str:
    # pydantic lists them as "'a', 'b' or 'c'".
    return str(ctx.get("expected", "")).replace(" or ", "、").replace(", ", "、")


def _bound(word: str, key: str) -> Callable[[dict[str, Any]], str]:
    return lambda ctx: f"应为{word} {ctx.get(key)} 的数"


# pydantic's error types a scheme file can run into, by what its fields are.
_CHINESE: dict[str, Callable[[dict[str, Any]], str]] = {
    "decimal_type": lambda ctx: "应为数字",
    "decimal_parsing": lambda ctx: "应为数字",
    "finite_number": lambda ctx: "应为有限的数字",
    "float_type": lambda ctx: "应为数字",
    "float_parsing": lambda ctx: "应为数字",
    "int_type": lambda ctx: "应为整数",
    "int_parsing": lambda ctx: "应为整数",
    "int_from_float": lambda ctx: "应为整数，不能带小数",
    "bool_type": lambda ctx: "应为 true 或 false（不加引号）",
    "bool_parsing": lambda ctx: "应为 true 或 false（不加引号）",
    "string_type": lambda ctx: "应为加引号的文字",
    "list_type": lambda ctx: '应为列表（如 ["甲", "乙"]）',
    "dict_type": lambda ctx: "应为表（一组“键 = 值”）",
    "model_type": lambda ctx: "应为表（一组“键 = 值”）",
    "model_attributes_type": lambda ctx: "应为表（一组“键 = 值”）",
    "greater_than": _bound("大于", "gt"),
    "greater_than_equal": _bound("大于或等于", "ge"),
    "less_than": _bound("小于", "lt"),
    "less_than_equal": _bound("小于或等于", "le"),
    "literal_error": lambda ctx: f"应为以下之一（{_choices(ctx)}）",
    "enum": lambda ctx: f"应为以下之一（{_choices(ctx)}）",
    "string_too_short": lambda ctx: "不能为空",
    "too_short": lambda ctx: f"至少要有 {ctx.get('min_length')} 项",
    "too_long": lambda ctx: f"至多只能有 {ctx.get('max_length')} 项",
    "string_pattern_mismatch": lambda ctx: f"格式不对（应符合 {ctx.get('pattern')}）",
    "decimal_max_places": lambda ctx: f"小数位数不能超过 {ctx.get('decimal_places')} 位",
    "decimal_max_digits": lambda ctx: f"数字位数不能超过 {ctx.get('max_digits')} 位",
}


def _item_code(loc: tuple[Any, ...], data: dict[str, Any]) -> str | None:
    """The code of the negative-list item a problem sits in, so staff find the line."""
    if loc[:2] != ("negative_list", "items") or len(loc) < 3 or not isinstance(loc[2], int):
        return None
    try:
        code = data["negative_list"]["items"][loc[2]].get("code")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return code if isinstance(code, str) else None
