"""The ledger's work: items planned and worked on, organisational life and the study log, each
by one of the ledger's own commands."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from eventlog import NewEvent
from services.common.handlers import load
from services.common.periods import CADENCES, ONCE, REVIEW_PERIODS, ROUTINE
from services.ledger.domain.items import ACTIONS, KINDS, LEVELS, Item, schedule
from services.ledger.domain.items import evolve as evolve_item
from services.ledger.domain.orglife import ATTENDANCE, MEETING_CADENCES, MEETING_TYPES, REPORT_KINDS
from services.ledger.events import ItemPlanned

from .ledger_world import DATES, DAY, IN_YEAR, URLS, Ledger, branch_of
from .world import TEXT


def _plan(ledger: Ledger, n: int) -> None:
    world = ledger.world
    cadence, item_id = world.pick(CADENCES), world.id(f"t{n}")
    plan: dict[str, Any] = {
        "branch_id": ledger.branch,
        "item_id": item_id,
        "level": world.pick(LEVELS),
        "kind": world.pick(KINDS),
        "cadence": cadence,
        "title": world.draw(TEXT),
        "owner_id": world.pick([*ledger.members, None]),
        "group_id": ledger.maybe_group(),
        "goal_id": world.maybe(st.sampled_from(ledger.goals)),
    }
    if cadence == ONCE:
        plan["due_date"] = world.draw(DATES).isoformat()
    else:
        if world.draw(st.booleans()):
            plan["starts_on"], plan["ends_on"] = sorted(
                world.draw(IN_YEAR).isoformat() for _ in range(2)
            )
        plan["due_day"] = world.maybe(DAY)
        if cadence == "annual":
            plan["due_month"] = world.maybe(st.integers(1, 12))
        if cadence == ROUTINE:  # the default review period, or one chosen
            plan["review"] = world.maybe(st.sampled_from(REVIEW_PERIODS))
    for event in ledger.run("plan_item", **plan):
        ledger.items[item_id] = (cadence, [key for key, _ in schedule(event.data)])


def _daily(ledger: Ledger) -> None:
    """A daily item as the log holds those planned before routine replaced daily (ItemPlanned
    version 1, no review period): no command plans one now, but the log keeps them, every reader
    must read them, and their occurrences (days) are still worked on."""
    world, item_id = ledger.world, ledger.world.id("daily")
    starts = world.draw(IN_YEAR)
    plan = {name: None for name, _ in ItemPlanned.fields if name != "review"}
    plan |= {"item_id": item_id, "branch_id": ledger.branch, "level": "branch", "kind": "reform"}
    plan |= {"cadence": "daily", "title": "值班", "description": "", "owner_id": ledger.member()}
    plan |= {"starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=3)).isoformat()}
    legacy = [NewEvent("ItemPlanned", plan, schema_version=1)]
    stream = f"item-{item_id}"
    meta = {"branch_id": ledger.branch, "actor_id": ledger.founder}
    if world.decide(stream, evolve_item, Item(), lambda state: legacy, **meta):
        ledger.items[item_id] = ("daily", [key for key, _ in schedule({**plan, "review": None})])


def items(ledger: Ledger) -> None:
    world = ledger.world
    for n in range(world.draw(st.integers(1, 4))):
        _plan(ledger, n)
    if world.draw(st.booleans()):
        _daily(ledger)
    for _ in world.times(10) if ledger.items else ():
        item = world.pick(sorted(ledger.items))
        op = world.pick(
            [
                "start_item",
                "note_progress",
                "complete_occurrence",
                "cancel_item",
                "reopen_item",
                "reassign_item",
                "change_due_date",
                "record_accountability",
                "attach_item_file",
            ]
        )
        if op == "attach_item_file":  # by its owner, or whoever the world picks
            period = ledger.world.pick([*ledger.items[item][1], None])
            ledger.attach(op, actor_id=ledger.member(), item_id=item, period=period, note="x")
            continue
        if op == "reopen_item":  # what is reopened was cancelled (or done) first
            ledger.run("cancel_item", **_item_payload(ledger, item, "cancel_item"))
        ledger.run(op, **_item_payload(ledger, item, op))


def _new_owner(ledger: Ledger, item: str) -> str:
    """Mostly a member who may own the item: of its group, for a member-level item."""
    plan = load(ledger.world.store, f"item-{item}", evolve_item, Item())[0].plan
    fits = sorted(
        member.member_id
        for member in branch_of(ledger).members.values()
        if plan["level"] != "member" or member.group_id == plan["group_id"]
    )
    return ledger.world.pick(fits or ledger.members)


def _item_payload(ledger: Ledger, item: str, op: str) -> dict[str, Any]:
    world, (cadence, periods) = ledger.world, ledger.items[item]
    period = world.pick(periods)
    if op in ("cancel_item", "reopen_item"):  # a period, or the whole item
        return {"item_id": item, "period": world.pick([period, period, None]), "reason": "x"}
    if op == "reassign_item":
        return {"item_id": item, "owner_id": _new_owner(ledger, item)}
    if op == "change_due_date":  # mostly what the cadence takes: a due_date once, else a day
        once = (cadence == ONCE) != (world.pick(range(5)) == 0)
        new = {"due_date": world.draw(DATES).isoformat()} if once else {"due_day": world.draw(DAY)}
        return {"item_id": item, "reason": "x", **new}
    payload: dict[str, Any] = {"item_id": item, "period": period}
    if op == "record_accountability":  # by the committee, or a member who may supervise it
        actor = world.pick([ledger.founder, ledger.member()])
        taken_on = world.maybe(DATES.map(date.isoformat))
        return {**payload, "actor_id": actor, "action": world.pick(ACTIONS), "taken_on": taken_on}
    if op == "note_progress":
        payload["evidence"] = world.draw(st.lists(URLS, max_size=2))
    if op in ("note_progress", "complete_occurrence"):
        payload["note"] = world.draw(TEXT)
    return payload


def life(ledger: Ledger) -> None:
    world, branch = ledger.world, ledger.branch
    for n in world.times(4):
        op = world.pick(["set_meeting_requirement", "record_meeting", "file_report", "attach"])
        if op == "attach":
            _attach(ledger)
        elif op == "set_meeting_requirement":
            ledger.run(
                op,
                branch_id=branch,
                meeting_type=world.pick(MEETING_TYPES),
                cadence=world.pick(MEETING_CADENCES),
                per_group=world.draw(st.booleans()),
            )
        elif op == "record_meeting":
            if _meeting(ledger, world.id(f"mt{n}")):
                ledger.records.append(("meeting", world.id(f"mt{n}")))
        elif ledger.run(
            op,
            branch_id=branch,
            report_id=world.id(f"r{n}"),
            title=world.draw(TEXT),
            kind=world.pick(REPORT_KINDS),
            filed_on=world.draw(DATES).isoformat(),
        ):
            ledger.records.append(("report", world.id(f"r{n}")))


def _attach(ledger: Ledger) -> None:
    """A file for a meeting or a report recorded (or one never recorded), by whoever is picked."""
    record, record_id = ledger.world.pick([*ledger.records, ("meeting", "none")])
    actor = ledger.world.pick([ledger.founder, ledger.member()])
    fields = {"actor_id": actor, "branch_id": ledger.branch, f"{record}_id": record_id}
    ledger.attach(f"attach_{record}_file", **fields)


def _particulars(ledger: Ledger, kind: str) -> dict[str, Any]:
    """Mostly what the type takes: a party lecture's lecturer (a member, or a name from outside),
    an activity day's partner and place; now and then what another type takes, or none."""
    world = ledger.world
    lecturer = world.pick([{"member_id": ledger.member()}, {"name": "周明（分管院领导）"}])
    partner, place = world.maybe(st.just("联系点法院党支部")), world.maybe(TEXT)
    fits = world.pick(range(4)) != 0
    if (kind == "party_lecture") == fits:
        return {"lecturer": lecturer}
    if (kind == "activity_day") == fits:
        return {"partner": partner, "place": place}
    return {}


def _meeting(ledger: Ledger, meeting_id: str) -> list:
    """Mostly as the default requirements have it: a group for group meetings only."""
    world = ledger.world
    kind = world.pick(MEETING_TYPES)
    group = ledger.maybe_group() if kind == "group_meeting" or world.pick(range(4)) == 0 else None
    attendance = world.draw(
        st.dictionaries(st.sampled_from(ledger.members), st.sampled_from(ATTENDANCE))
    )
    return ledger.run(
        "record_meeting",
        branch_id=ledger.branch,
        meeting_id=meeting_id,
        meeting_type=kind,
        held_on=world.draw(DATES).isoformat(),
        title=world.draw(TEXT),
        minutes=world.draw(st.just("") | TEXT),
        group_id=group,
        attendance=attendance,
        **_particulars(ledger, kind),
    )


def study(ledger: Ledger) -> None:
    world = ledger.world
    for n in world.times(4):
        if ledger.articles and world.draw(st.booleans()):
            member, article = world.pick(ledger.articles)
            ledger.run(
                "recommend_article",
                member_id=member,
                article_id=article,
                note=world.draw(st.just("") | TEXT),
            )
            continue
        member, article = ledger.member(), world.id(f"a{n}")
        if ledger.run(
            "post_article",
            actor_id=member,
            branch_id=ledger.branch,
            member_id=member,
            article_id=article,
            title=world.draw(TEXT),
            posted_on=world.draw(DATES).isoformat(),
            link=world.maybe(URLS),
        ):
            ledger.articles.append((member, article))
