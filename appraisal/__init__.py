"""appraisal: document generation and workflow engine for appraisal cycles."""

import warnings

__version__ = "0.1.0"

# pyHanko imports cryptography's DSA key type, which cryptography 51 marks deprecated on import;
# we never sign or verify with DSA, and staff reading the demo's or a command's output can do
# nothing about it.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
