"""Optimistic concurrency over HTTP: ETag out, If-Match in.

A resource's ETag is the version of its stream: an item read says `"7"`, and so does the answer
of the command that made version 7. A command sent with `If-Match: "7"` takes effect only if it
writes at version 7, so of two people editing from the same page, the second is told the item
changed (412) instead of overwriting what they never saw. `If-Match: *` (or no header) asks for
nothing. The version is checked where the command writes: one that the current state refuses
anyway (completing a finished item) is answered with that refusal. The services hold the rule
(services/common/handlers.Expecting); this reads the header.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_input

HEADER_PATTERN = r'^\s*(\*|"[0-9]{1,9}")\s*$'
_TAG = re.compile(HEADER_PATTERN)
ALLOWED = 'one ETag as this API gives it, like "7", or *'


def expected_version(header: str | None) -> int | None:
    """The version an If-Match header asks for; None when it asks for none."""
    if header is None:
        return None
    match = _TAG.match(header)
    if match is None:
        raise bad_input({"If-Match": [ALLOWED]})
    tag = match[1]
    return None if tag == "*" else int(tag.strip('"'))


def etag(answer: Any) -> dict[str, str]:
    """The ETag header of an answer that carries its resource's version (an item, a command's
    outcome); none for others."""
    version = answer.get("version") if isinstance(answer, dict) else None
    return {"ETag": f'"{version}"'} if isinstance(version, int) else {}
