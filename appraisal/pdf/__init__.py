"""DOCX to PDF/A through a warm LibreOffice, with Simplified Chinese fonts, and PDF checks."""

from appraisal.pdf.as_one import convert_as_one
from appraisal.pdf.convert import Conversion, ConversionError, convert_many, convert_one
from appraisal.pdf.fonts import fontconfig_env
from appraisal.pdf.pdfinfo import (
    FontInfo,
    PdfInfoError,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    pdfa_claim,
    pdfa_claim_of,
)

__all__ = [
    "Conversion",
    "ConversionError",
    "FontInfo",
    "PdfInfoError",
    "convert_as_one",
    "convert_many",
    "convert_one",
    "fontconfig_env",
    "pdf_fonts",
    "pdf_pages",
    "pdf_text",
    "pdfa_claim",
    "pdfa_claim_of",
]
