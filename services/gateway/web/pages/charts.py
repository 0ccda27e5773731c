"""What the charts draw, as plain data for static/app.js (which makes ECharts' options)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from services.common.labels import label


def _rate(done: int, due: int) -> float | None:
    return round(done / due * 100, 1) if due else None


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def completion(completion: dict[str, Any]) -> dict[str, Any]:
    """Completion rate by level (categories) and kind (series), from the level × kind × cadence
    cells: a cadence's occurrences count into their level and kind."""
    due: dict[tuple[str, str], int] = defaultdict(int)
    done: dict[tuple[str, str], int] = defaultdict(int)
    for cell in completion["by_level_kind_cadence"]:
        due[cell["level"], cell["kind"]] += cell["due"]
        done[cell["level"], cell["kind"]] += cell["done"]
    levels = sorted({level for level, _ in due}, key=["branch", "group", "member"].index)
    kinds = sorted({kind for _, kind in due})
    return {
        "kind": "bar",
        "unit": "%",
        "categories": [label("level", level) for level in levels],
        "series": [
            {
                "name": label("kind", kind),
                "data": [_rate(done[level, kind], due[level, kind]) for level in levels],
            }
            for kind in kinds
        ],
    }


def meetings(meetings: dict[str, Any]) -> dict[str, Any]:
    rows = meetings["by_type"]
    return {
        "kind": "bar",
        "unit": "",
        "categories": [label("meeting_type", row["meeting_type"]) for row in rows],
        "series": [
            {"name": "应开", "data": [row["due"] for row in rows]},
            {"name": "已开", "data": [row["held"] for row in rows]},
        ],
    }


def goals(goals: dict[str, Any]) -> dict[str, Any]:
    rows = goals["items"]
    return {
        "kind": "hbar",
        "unit": "%",
        "categories": [row["title"] for row in rows],
        "series": [{"name": "进度", "data": [_percent(r["progress"]) for r in rows]}],
    }


def branches(overview: dict[str, Any]) -> dict[str, Any]:
    """The institution's branches side by side on each measure (percent)."""
    rows = overview["branches"]

    return {
        "kind": "bar",
        "unit": "%",
        "categories": [row["name"] for row in rows],
        "series": [
            {"name": "台账完成率", "data": [_percent(r["completion"]["rate"]) for r in rows]},
            {"name": "组织生活", "data": [_percent(r["meetings"]["rate"]) for r in rows]},
            {"name": "学习达标", "data": [_percent(r["study"]["rate"]) for r in rows]},
            {"name": "目标进度", "data": [_percent(r["goals"]["average_progress"]) for r in rows]},
        ],
    }
