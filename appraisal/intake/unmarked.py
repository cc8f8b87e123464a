"""Whether a matched return is the generated document sent back unsigned.

A return counts as signed when it carries a digital signature (its validity is the gate's
business), when it is a scan (image-only pages cannot be compared reliably with the original,
so they are taken as they come), or when its pages show ink the original does not have. What
is left is refused, or held for staff to look at when only the picture, not the file, says so.
"""

from dataclasses import dataclass

from appraisal.intake.inspection import Inspection, Marks

SIGN_AND_STAMP = (
    "请打印后签字、盖章，扫描后重新发送（或加盖电子签章后发送） / print it, sign and stamp it, "
    "and send the scan (or sign it digitally)"
)


@dataclass(frozen=True)
class Unsigned:
    hold: bool  # True: keep it for staff to decide; False: refuse it
    reason: str


def unsigned(ins: Inspection, generated_sha256: str) -> Unsigned | None:
    """Why `ins` is not a signed return of its document, or None when it is one."""
    name, doc_id = ins.path.name, ins.document_id
    if generated_sha256 and ins.sha256 == generated_sha256:
        return Unsigned(
            False,
            f"未签字盖章 / not signed: {name} 就是系统生成的文件 {doc_id} 原件，没有签字或盖章 / "
            f"it is document {doc_id} exactly as generated, with no signature or stamp: "
            + SIGN_AND_STAMP,
        )
    if ins.signature.signed:
        return None
    if ins.marks == Marks.SAME_PAGES:
        return Unsigned(
            False,
            f"未签字盖章 / not signed: {name} 的每一页都与系统生成的文件 {doc_id} 相同，没有签字"
            f"或盖章 / every page is document {doc_id}'s page unchanged, with no signature or "
            "stamp: " + SIGN_AND_STAMP,
        )
    if ins.marks in (Marks.NO_INK, Marks.UNCOMPARED):
        return Unsigned(
            True,
            f"待人工核对 / held for staff review: {name} 与系统生成的文件 {doc_id} 相比看不出新增"
            f"的签字或盖章 / shows no signature or stamp added to document {doc_id} "
            f"({ins.marks_detail}); staff decide whether it counts as signed",
        )
    return None
