"""Render .docx templates fast, sandboxed and deterministically (see prepared.PreparedTemplate)."""

from appraisal.render.environment import cn_date, make_environment, shared_environment
from appraisal.render.errors import RenderError
from appraisal.render.image import Image, qr_image
from appraisal.render.prepared import PreparedTemplate

__all__ = [
    "Image",
    "PreparedTemplate",
    "RenderError",
    "cn_date",
    "make_environment",
    "qr_image",
    "shared_environment",
]
