"""What a downloaded file is called on the staff member's disk: by person, not by number."""

import re

# Characters no file system (or a browser saving to one) takes in a name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_name(*parts: str, suffix: str = ".pdf") -> str:
    """ "编号 姓名.pdf" or "文件编号 标题 姓名.pdf": the non-empty parts, made safe for a file name.
    Starlette sends a non-ASCII name as RFC 5987 `filename*=utf-8''…`."""
    words = [_UNSAFE.sub("_", p).strip() for p in parts]
    return " ".join(w for w in words if w)[:150] + suffix
