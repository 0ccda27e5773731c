"""Which branch an appraisal cycle in a request's path belongs to.

The gateway keeps no copy of the cycles: a branch's list comes from the appraisal
(`list_cycles`), asked as the caller.
"""

from __future__ import annotations

from typing import Any

from services.appraisal.handlers.common import stream_id

SOURCE = "appraisal"  # the service whose log the cycle's stream must come from


def branch_of(store: Any, cycle_id: str) -> str | None:
    """The branch of a cycle, from its opening in the log: never behind, unlike a read model."""
    first = store.read_stream(stream_id(cycle_id), to_version=1)
    if not first or first[0].source != SOURCE or first[0].type != "CycleOpened":
        return None
    return first[0].data["branch_id"]
