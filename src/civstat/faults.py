"""Named fault points for the fault-injection tests.

``CIVSTAT_FAULT=<point>`` in the environment makes the process kill itself with ``SIGKILL`` when
it reaches that point — exactly what a power cut or the OOM killer does, with no ``finally`` and
no flush. The tests use it to prove that the next command recovers with no manual step and that
the published warehouse is untouched. Unset (always, outside tests), a point is a dictionary
look-up.

Points: ``writer.before_checkpoint`` (a raw write committed, not checkpointed),
``build.after_gate``, ``build.after_dbt`` (dbt succeeded, nothing recorded yet),
``publish.after_copy`` (the new file written beside the published one, not swapped in).
"""

from __future__ import annotations

import os
import signal

ENV = "CIVSTAT_FAULT"


def point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
