"""appraisal: document generation and workflow engine for appraisal cycles."""

__version__ = "0.1.0"
