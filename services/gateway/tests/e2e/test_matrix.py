"""Every endpoint of /openapi.json × each role × own and foreign branch: who gets through.

Commands are sent with an empty body: the gateway authorises before it validates, so a caller
who may act gets 422 (fields missing) and nothing changes, and one who may not gets 403, or
404 outside their branches. Which rule guards an operation is read from the endpoint table; what
each rule lets each role do is written out here, independently of the code that decides it.
A query reaches its service, which checks again: its answer must agree with the gateway's rule.
"""

from __future__ import annotations

import pytest

from services.gateway import access
from services.gateway.endpoints import ENDPOINTS

from .world import PASSWORD

pytestmark = pytest.mark.servers

ROLES = ("committee", "secretary", "leader", "member", "outsider")
# rule → the roles it lets through, in their own branch (the owner of the item is "member").
ALLOWED = {
    access.anyone: set(ROLES),
    access.admin_user: {"committee"},
    access.committee: {"committee"},
    access.reader: {"committee", "secretary", "leader", "member"},
    access.branch_admin: {"committee", "secretary"},
    access.group_leader: {"committee", "secretary", "leader"},
    access.the_member: {"member"},
    access.branch_member: {"secretary", "leader", "member"},
    access.commentator: {"secretary", "leader"},
    access.supervisor: {"committee", "secretary"},
    access.member_or_admin: {"committee", "secretary", "member"},
    access.member_or_secretary: {"secretary", "member"},
    access.item_manager: {"committee", "secretary", "leader"},
    access.item_owner: {"committee", "secretary", "leader", "member"},
}
RULES = {endpoint.name: endpoint.rule for endpoint in ENDPOINTS}
NO_REMINDER = "0" * 40


def _mark_read(role: str, side: str) -> str:
    """Anyone may mark their own reminders read; another's is not found. The own side names the
    member's overdue reminder; the foreign side, a reminder nobody has."""
    return "allowed" if (role, side) == ("member", "own") else "hidden"


# Operations whose outcome depends on whose the resource is, beyond their rule.
OWNED = {"mark_read": _mark_read}


def _values(world, side: str) -> dict[str, str]:
    """Path parameters naming resources of the own branch, or of the foreign one."""
    own = side == "own"
    return {
        "branch_id": world.branches["own" if own else "foreign"],
        "institution_id": world.institution if own else world.other_institution,
        "item_id": world.items["own" if own else "foreign"],
        "member_id": world.people["member" if own else "foreign"],
        "group_id": world.groups["own" if own else "foreign"],
        "person_id": world.people["committee"],
        "year": str(world.year),
        "meeting_id": f"mt{world.run}",
        "report_id": f"rp{world.run}",
        "attachment_id": f"f{world.run}",  # a file of each record above (world_services.py)
        "article_id": f"ar{world.run}",
        "goal_id": f"goal{world.run}",
        "cycle_id": world.cycles["own" if own else "foreign"],
        "reminder_key": world.reminder() if own else NO_REMINDER,
        # A user no test signs in as: schemathesis resets their password.
        "username": world.username("outsider"),
    }


def _expected(name: str, role: str, side: str, path: str) -> str:
    if name in OWNED:
        return OWNED[name](role, side)
    rule = RULES[name]
    in_scope = role != "outsider" or rule in (access.anyone, access.admin_user)
    scoped = "{" in path.replace("{username}", "")  # a user belongs to no branch
    if side == "foreign" and scoped:
        # The committee oversees the other branch of its institution, not another institution.
        in_scope = role == "committee" and "/institutions/" not in path
    if not in_scope:
        return "hidden"
    allowed = role in ALLOWED[rule]
    if side == "foreign" and rule is access.the_member:
        allowed = False  # the foreign branch's member is someone else
    return "allowed" if allowed else "refused"


def _outcome(status: int) -> str:
    assert status < 500, status
    return {401: "unauthenticated", 403: "refused", 404: "hidden"}.get(status, "allowed")


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if RULES.get(operation["operationId"]) is not None:  # public ones need no token
                yield path, method, operation["operationId"]


def _call(cluster, method: str, url: str, role: str | None, name: str = ""):
    if name == "sign_out" and role:  # a session of its own: signing out ends the token used
        return cluster.session.post(
            cluster.url + url,
            headers={"Authorization": f"Bearer {_signed_in(cluster, role)}"},
            timeout=30,
        )
    if method == "post":
        return cluster.post(url, role, json={})
    return cluster.get(url, role)


def _signed_in(cluster, role: str) -> str:
    body = {"username": cluster.world.username(role), "password": PASSWORD}
    return cluster.post("/api/v1/auth/token", json=body).json()["access_token"]


def test_every_endpoint_for_every_role(cluster):
    spec = cluster.get("/openapi.json").json()
    wrong = []
    for path, method, name in _operations(spec):
        for side in ("own", "foreign"):
            url = path.format(**_values(cluster.world, side))
            for role in ROLES:
                got = _outcome(_call(cluster, method, url, role, name).status_code)
                expected = _expected(name, role, side, path)
                if got != expected:
                    wrong.append(f"{method.upper()} {url} as {role}: {got}, not {expected}")
    assert not wrong, "\n".join(wrong)


def test_no_token_is_unauthenticated(cluster):
    spec = cluster.get("/openapi.json").json()
    for path, method, _ in _operations(spec):
        url = path.format(**_values(cluster.world, "own"))
        assert _call(cluster, method, url, None).status_code == 401, f"{method} {url}"
