"""Writes deploy/grafana/dashboards/*.json from the panels listed in deploy/grafana/panels.yml.

    python3 deploy/grafana/generate.py

The services' dashboards are alike, so they come from one template instead of hand-edited JSON
copies; tests/ops checks that the JSON files are what this script writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PANELS = HERE / "panels.yml"
DASHBOARDS = HERE / "dashboards"
SERVICES = ("ledger", "appraisal", "notify", "gateway")
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}  # provisioning/datasources/prometheus.yml
PANEL_HEIGHT, PANEL_WIDTH = 8, 12


def grafana_panel(spec: list, panel_id: int, x: int, y: int) -> dict:
    title, unit, kind, queries = spec
    return {
        "id": panel_id,
        "type": kind,
        "title": title,
        "datasource": DATASOURCE,
        "gridPos": {"h": PANEL_HEIGHT, "w": PANEL_WIDTH, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {
                "refId": chr(ord("A") + n),
                "datasource": DATASOURCE,
                "expr": expr,
                "legendFormat": legend,
            }
            for n, (expr, legend) in enumerate(queries)
        ],
    }


def layout(rows: dict[str, list]) -> list[dict]:
    """A row header per section, then its panels two abreast."""
    panels: list[dict] = []
    y = 0
    for title, specs in rows.items():
        header = {"id": len(panels) + 1, "type": "row", "title": title, "collapsed": False}
        panels.append({**header, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
        y += 1
        for n, spec in enumerate(specs):
            x, top = PANEL_WIDTH * (n % 2), y + PANEL_HEIGHT * (n // 2)
            panels.append(grafana_panel(spec, len(panels) + 1, x, top))
        y += PANEL_HEIGHT * ((len(specs) + 1) // 2)
    return panels


def dashboard(uid: str, title: str, rows: dict[str, list]) -> dict:
    return {
        "uid": f"taizhang-{uid}",
        "title": title,
        "tags": ["taizhang"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "links": [{"type": "dashboards", "tags": ["taizhang"], "asDropdown": True, "title": "all"}],
        "templating": {"list": []},
        "annotations": {"list": []},
        "panels": layout(rows),
    }


def for_service(template: dict, service: str) -> dict:
    return json.loads(json.dumps(template).replace("SERVICE", service))


def dashboards() -> dict[str, dict]:
    """File name → dashboard, as panels.yml describes them."""
    spec = yaml.safe_load(PANELS.read_text())
    made = {
        f"{uid}.json": dashboard(uid, spec[uid]["title"], spec[uid]["rows"])
        for uid in ("overview", "eventlog")
    }
    for service in SERVICES:
        board = for_service(spec["service"], service)
        rows = {**board["rows"], **spec["extra_rows"].get(service, {})}
        made[f"{service}.json"] = dashboard(service, board["title"], rows)
    return made


def render(board: dict) -> str:
    return json.dumps(board, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    DASHBOARDS.mkdir(exist_ok=True)
    for name, board in dashboards().items():
        (DASHBOARDS / name).write_text(render(board))


if __name__ == "__main__":
    main()
