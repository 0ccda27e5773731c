"""A service that stops answering: the gateway says 503 once its RPC deadline passes for what
needs the service, answers what it can alone (who the caller is: its own read model), and readyz
names the service."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.servers


def test_a_silent_service_answers_503(cluster):
    cluster.token("member")  # signed in while the ledger still answers
    cluster.ledger.stop()  # its queue stays: requests wait for a reply that never comes
    answer = cluster.get(f"/api/v1/branches/{cluster.world.branches['own']}", "member")
    assert answer.status_code == 503
    assert answer.json() == {
        "code": "service_unavailable",
        "message": "服务暂时不可用，请稍后再试。",
        "fields": {},
    }
    assert cluster.get("/api/v1/me", "member").status_code == 200
    ready = cluster.get("/readyz")
    assert ready.status_code == 503 and set(ready.json()["fields"]) == {"ledger"}
    assert ready.json()["message"] == "系统正在启动，请稍后再试。"
    assert cluster.get("/healthz").status_code == 200
