"""The scoring scheme: a TOML file staff can edit, read into typed, checked rules."""

from appraisal.scheme.load import SchemeError, default_scheme_path, load_scheme, parse_scheme
from appraisal.scheme.model import Scheme

__all__ = ["Scheme", "SchemeError", "default_scheme_path", "load_scheme", "parse_scheme"]
