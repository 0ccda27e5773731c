"""Demo users for the demo institution: `python -m services.gateway.demo`, after
`python -m services.ledger.demo`.

Registers a user for every committee person and every member of the demo institution (username
= their id, one fixed password per kind of role) and the administrator `admin`, then prints them.
The people are read from the ledger's read model with the ledger's own queries, on its behalf.
Running it again registers only who is missing.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from eventlog import Database, PostgresEventStore, ProjectionRunner, Settings
from services.common.actors import service_actor
from services.ledger.demo_world import INSTITUTION
from services.ledger.exceptions import NotFound
from services.ledger.queries import organisation

from .users import handlers
from .users.credentials import HASHER
from .users.domain import RegisterUser
from .users.projection import PROJECTION

ADMIN = "admin"
# Demo passwords by kind of role: printed below, so a reader can sign in as anyone.
PASSWORDS = {
    "administrator": "admin-demo-2026",
    "institution_committee": "committee-demo-2026",
    "branch_officer": "officer-demo-2026",
    "group_leader": "leader-demo-2026",
    "member": "member-demo-2026",
}
OFFICERS = ("secretary", "full_time_officer", "leadership_member", "committee_member")


def people(db: Database) -> list[dict[str, str]]:
    """(username, person, kind, roles, branch) of everyone in the demo institution."""
    institution = organisation.institution(db, INSTITUTION)
    found = [
        {
            "person_id": p["person_id"],
            "kind": "institution_committee",
            "roles": "committee",
            "branch": "all",
        }
        for p in institution["committee"]
    ]
    found.insert(0, {**found[0], "username": ADMIN, "kind": "administrator"})
    for branch in institution["branches"]:
        detail = organisation.branch(db, service_actor("gateway"), branch["branch_id"])
        for member in detail["members"]:
            roles = [r["role"] for r in member["roles"]]
            kind = (
                "branch_officer"
                if set(roles) & set(OFFICERS)
                else "group_leader"
                if roles
                else "member"
            )
            found.append(
                {
                    "person_id": member["member_id"],
                    "kind": kind,
                    "roles": ", ".join(roles) or "member",
                    "branch": branch["branch_id"],
                }
            )
    return [{"username": p["person_id"], **p} for p in found]


def register(store: PostgresEventStore, everyone: list[dict[str, str]]) -> int:
    missing = [p for p in everyone if not store.stream_version(f"user-{p['username']}")]
    with ThreadPoolExecutor(max_workers=4) as pool:  # argon2 runs outside the GIL
        hashes = list(pool.map(lambda p: HASHER.hash(PASSWORDS[p["kind"]]), missing))
    for person, password_hash in zip(missing, hashes, strict=True):
        cmd = RegisterUser(
            person["username"],
            person["person_id"],
            password_hash,
            admin=person["kind"] == "administrator",
        )
        handlers.register(store, cmd, actor_id=service_actor("gateway"))
    return len(missing)


def main() -> None:
    settings = Settings.from_env()
    db = Database(settings.database_url)
    store = PostgresEventStore(db, source="gateway")
    try:
        everyone = people(db)
    except NotFound:
        sys.exit(f"load the ledger demo first: python -m services.ledger.demo ({INSTITUTION})")
    added = register(store, everyone)
    runner = ProjectionRunner(db, store, PROJECTION)
    runner.setup()
    runner.catch_up()
    print(f"registered {added} demo users ({len(everyone)} in all)", file=sys.stderr)
    print(f"{'username':<10} {'password':<22} {'branch':<6} roles")
    for p in everyone:
        print(f"{p['username']:<10} {PASSWORDS[p['kind']]:<22} {p['branch']:<6} {p['roles']}")
    db.close()


if __name__ == "__main__":
    main()
