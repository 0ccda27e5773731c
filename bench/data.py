"""The events every workload writes: ~300 bytes of JSON with Chinese text, like the ledgers'.

Payloads are built once and cycled, so generating them is never part of a measurement, while
every workload still serialises each event itself (as any real writer must), with the encoder
the log uses (`eventlog.store.encode`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

SOURCE = "bench"
EVENT_TYPE = "bench.LedgerItemAssigned"
# A category of its own, so that no service's projection ever reads the bench's streams.
CATEGORY = "bench"
ES_TOPIC = "bench.events:LedgerItemAssigned"
BRANCH_ID, ACTOR_ID = "branch-0031", "member-0420"
CORRELATION_ID = "6b1f0c64-3a55-4d7e-9a52-2f0e3c9b1d21"

_MEMBERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏")
_ITEMS = (
    "落实“三会一课”制度，按月召开支部委员会并形成会议纪要",
    "完成年度理论学习计划，撰写学习心得体会不少于三篇",
    "组织党员志愿服务活动，深入社区开展政策宣讲",
    "推进重点业务指标分解，季度考核得分不低于九十分",
)


def _payload(n: int) -> dict[str, Any]:
    return {
        "ledger_id": f"ledger-2025-{n % 97:04d}",
        "year": 2025,
        "sequence": 1000 + n,
        "goal": "8+X",
        "item": _ITEMS[n % len(_ITEMS)],
        "owner": _MEMBERS[n % len(_MEMBERS)],
        "weight": 12.5,
        "deadline": "2025-12-31",
        "note": "按照年度目标责任书分解落实，纳入季度督查",
        "checked_by": _MEMBERS[(n + 3) % len(_MEMBERS)],
    }


PAYLOADS = [_payload(n) for n in range(64)]


def payload_cycle() -> Iterator[dict[str, Any]]:
    return itertools.cycle(PAYLOADS)
