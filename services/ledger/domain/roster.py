"""Importing a roster: the branches, groups, members and roles of a secretary's spreadsheet,
checked row by row against the organisation as the log tells it. Pure.

The import only adds: it registers the branches and forms the groups the file declares, admits
the members it lists, moves a member to the group the file names, and grants the roles it gives.
It never removes a member, revokes a role or edits a person already recorded (a different name,
e-mail or phone is an error on that row), so importing the same file again decides nothing.
Every message is Chinese and names the column (the spreadsheet's header) it is about.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from eventlog import Event
from services.common.labels import ROLE
from services.common.roster import (
    BRANCH,
    EMAIL,
    GROUP,
    LOGIN,
    MEMBERS,
    NAME,
    PHONE,
    ROLES,
    UNITS,
    MemberRow,
    RowReport,
    UnitRow,
    check_cells,
    filled,
    roles,
)

from . import branch as b
from .branch import Branch, evolve


@dataclass(frozen=True)
class ImportRoster:
    actor_id: str
    institution_id: str
    units: tuple[UnitRow, ...]
    members: tuple[MemberRow, ...]
    dry_run: bool = True


@dataclass
class Plan:
    """The rows' reports, and the events to append per branch stream (at the version read)."""

    rows: list[RowReport]
    branches: dict[str, Branch]  # branch id → the branch after the plan
    events: dict[str, list[Event]] = field(default_factory=dict)  # branch id → new events

    @property
    def valid(self) -> bool:
        return not any(row.errors for row in self.rows)

    def add(self, branch_id: str, events: list[Event]) -> None:
        self.events.setdefault(branch_id, []).extend(events)
        state = self.branches.get(branch_id, Branch())
        for event in events:
            state = evolve(state, event)
        self.branches[branch_id] = state


def derived_id(prefix: str, *names: str) -> str:
    """An id for a branch or group the roster names, the same for the same names every time."""
    return prefix + hashlib.sha256("|".join(names).encode()).hexdigest()[:12]


def branch_ids(institution_id: str, known: Mapping[str, Branch], names: set[str]) -> dict:
    """Branch name → id: a branch of the institution by that name, else the name's derived id."""
    by_name = {state.name: branch_id for branch_id, state in known.items()}
    return {name: by_name.get(name) or derived_id("b", institution_id, name) for name in names}


def plan(cmd: ImportRoster, known: Mapping[str, Branch], today: date) -> Plan:
    """`known`: the institution's branches by id, with those at the roster's derived ids."""
    names = {row.branch for row in (*cmd.units, *cmd.members) if row.branch}
    ids = branch_ids(cmd.institution_id, known, names)
    result = Plan([], {bid: state for bid, state in known.items() if state.branch_id})
    _units(cmd, ids, result)
    logins: dict[str, int] = {}
    for row in cmd.members:
        report = RowReport(MEMBERS, row.row)
        result.rows.append(report)
        _member(cmd, row, ids, logins, result, report, today)
    return result


def _units(cmd: ImportRoster, ids: Mapping[str, str], result: Plan) -> None:
    """Registers the branches the units table declares, and forms their groups."""
    for row in cmd.units:
        report = RowReport(UNITS, row.row)
        result.rows.append(report)
        if not filled(report, BRANCH, row.branch):
            continue
        branch_id = ids[row.branch]
        if branch_id not in result.branches:
            register = b.RegisterBranch(cmd.actor_id, branch_id, cmd.institution_id, row.branch)
            result.add(branch_id, b.decide_register(Branch(), register))
            report.changes.append(f"新建支部“{row.branch}”")
        if row.group and _group_id(result.branches[branch_id], row.group) is None:
            group_id = derived_id("g", branch_id, row.group)
            form = b.FormGroup(cmd.actor_id, branch_id, group_id, row.group)
            result.add(branch_id, b.decide_form_group(result.branches[branch_id], form))
            report.changes.append(f"在“{row.branch}”新建党小组“{row.group}”")


def _member(cmd, row: MemberRow, ids, logins, result: Plan, report, today) -> None:
    """A branch neither known nor declared is unknown (a misspelt name would otherwise become
    a new branch of one member)."""
    check_cells(row, report)
    first = logins.setdefault(row.login, row.row) if row.login else row.row
    if first != row.row:
        report.error(LOGIN, f"登录名“{row.login}”重复：与第{first}行相同")
    state = result.branches.get(ids.get(row.branch, ""))
    if row.branch and state is None:
        report.error(BRANCH, f"未知支部“{row.branch}”：既不是已有支部，也未列在“{UNITS}”表中")
    group_id = _group_id(state, row.group) if state and row.group else None
    if state and row.group and group_id is None:
        report.error(GROUP, f"“{row.branch}”没有党小组“{row.group}”，也未列在“{UNITS}”表中")
    held = roles(row, report)
    if "group_leader" in held and not row.group:
        report.error(ROLES, "党小组长须填写所在党小组")
    elsewhere = _member_elsewhere(result, row.login, state)
    if elsewhere:
        report.error(LOGIN, f"登录名“{row.login}”已是“{elsewhere}”的党员")
    if report.errors or state is None:
        return
    _admit_or_check(cmd, row, state, group_id, result, report, today)
    for role in held:
        group = group_id if role == "group_leader" else None
        _grant(cmd, row, state.branch_id, role, group, result, report)


def _admit_or_check(cmd, row, state: Branch, group_id, result: Plan, report, today) -> None:
    member = state.members.get(row.login)
    if member is None:
        admit = b.AdmitMember(
            cmd.actor_id,
            state.branch_id,
            row.login,
            row.name,
            group_id,
            row.email or None,
            None,
            row.phone or None,
        )
        result.add(state.branch_id, b.decide_admit(state, admit, today))
        report.changes.append(f"“{row.branch}”新增党员{row.name}（{row.login}）")
        return
    for column, now, given in (
        (NAME, member.name, row.name),
        (EMAIL, member.email or "", row.email),
        (PHONE, member.phone or "", row.phone),
    ):
        if given and now != given:  # a blank cell says nothing about the member
            report.error(column, f"与已有记录“{now or '空'}”不同：导入不修改已有党员的信息")
    if not report.errors and group_id and member.group_id != group_id:
        move = b.MoveMember(cmd.actor_id, state.branch_id, row.login, group_id)
        result.add(state.branch_id, b.decide_move(state, move))
        report.changes.append(f"{row.name}调入党小组“{row.group}”")


def _grant(cmd, row: MemberRow, branch_id: str, role: str, group_id, result: Plan, report):
    state = result.branches[branch_id]
    if report.errors or (role, group_id) in state.roles_of(row.login):
        return
    grant = b.GrantRole(cmd.actor_id, branch_id, row.login, role, group_id)
    result.add(branch_id, b.decide_grant(state, grant))
    report.changes.append(f"{row.name}任{ROLE[role]}")


def _member_elsewhere(result: Plan, login: str, state: Branch | None) -> str | None:
    """The name of another branch of the institution `login` is a member of, if any: a login
    is one person, and the import moves no one between branches."""
    here = state.branch_id if state else None
    for other in result.branches.values():
        if login and login in other.members and other.branch_id != here:
            return other.name
    return None


def _group_id(state: Branch | None, name: str) -> str | None:
    if state is None:
        return None
    return next((gid for gid, group in state.groups.items() if group == name), None)
