"""Named points between the steps of a stage and of sealing, where a test can kill the process.

With `APPRAISAL_CRASH_AT=converted` the process kills itself with SIGKILL (as `kill -9` would,
so no cleanup code runs) the first time it reaches `crash_point("converted")`;
`converted:2` waits for the second time. The crash tests use this to stop a run at each step
boundary and prove that running it again ends exactly where an uninterrupted run ends. Unset,
a point costs one dictionary lookup.
"""

import os
import signal
from collections import Counter

ENV = "APPRAISAL_CRASH_AT"

# Where a stage run can stop: its documents rendered, converted, recorded, delivered, its
# e-mails planned, its run closed; and in the archive, after the extracts, the covers, the
# first sealed dossier, the letters package and the register.
STAGE_POINTS = ("rendered", "converted", "recorded", "delivered", "mailed", "closed")
ARCHIVE_POINTS = ("extracts", "covers", "sealed", "letters", "register")

_reached: Counter[str] = Counter()


def crash_point(name: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
