"""Simulated reviewers for the demo and the tests: scanned, stamped and digitally signed returns."""

from appraisal.simulate.eseal import eseal_return
from appraisal.simulate.scan import scan_return
from appraisal.simulate.signing import DemoPKI, digitally_sign, make_demo_pki, tamper

__all__ = ["DemoPKI", "digitally_sign", "eseal_return", "make_demo_pki", "scan_return", "tamper"]
