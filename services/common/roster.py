"""A roster's rows and what each cell may hold: the tables and their columns as a spreadsheet
names them, the roles as a secretary writes them, and the report of one row. Pure.

The gateway reads rosters from files in these terms; the ledger checks and imports the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError, validate

from services.common.labels import ROLE, role_code
from services.common.roles import BRANCH_ROLES
from services.common.schemas import ID_RULE, PHONE_RULE

UNITS, MEMBERS = "支部与党小组", "党员"  # the two tables (sheets) of a roster
BRANCH, GROUP, NAME, LOGIN, EMAIL, PHONE, ROLES = (
    "支部",
    "党小组",
    "姓名",
    "登录名",
    "电子邮箱",
    "手机号",
    "职务",
)
# The roles a roster may give (every person in it is a member already); 党小组长 leads the
# member's own group. Written as the labels table names them, or as services.common.labels
# knows them otherwise spelt (书记).
ROSTER_ROLES = BRANCH_ROLES
ROLE_SEPARATORS = ("、", ",", "，", ";", "；", "/", " ")
_EMAIL = validate.Email()


@dataclass(frozen=True)
class UnitRow:
    row: int  # the spreadsheet's row number
    branch: str
    group: str = ""


@dataclass(frozen=True)
class MemberRow:
    row: int
    branch: str
    name: str
    login: str
    group: str = ""
    email: str = ""
    phone: str = ""
    roles: str = ""


@dataclass
class RowReport:
    """What one row would change, or what is wrong with it (column → messages)."""

    sheet: str
    row: int
    changes: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def as_dict(self) -> dict[str, Any]:
        status = "错误" if self.errors else ("变更" if self.changes else "无变化")
        return {
            "sheet": self.sheet,
            "row": self.row,
            "status": status,
            "changes": self.changes,
            "errors": self.errors,
        }


def check_cells(row: MemberRow, report: RowReport) -> None:
    filled(report, BRANCH, row.branch)
    filled(report, NAME, row.name)
    if filled(report, LOGIN, row.login) and not _valid(ID_RULE, row.login):
        report.error(LOGIN, "登录名只能由1–64个字母、数字或 _.:- 组成")
    if row.email and not _valid(_EMAIL, row.email):
        report.error(EMAIL, f"“{row.email}”不是有效的电子邮箱")
    if row.phone and not _valid(PHONE_RULE, row.phone):
        report.error(PHONE, f"“{row.phone}”不是有效的电话号码")


def roles(row: MemberRow, report: RowReport) -> list[str]:
    text = row.roles
    for separator in ROLE_SEPARATORS:
        text = text.replace(separator, " ")
    roles = []
    for written in text.split():
        role = role_code(written)
        if role not in ROSTER_ROLES:
            report.error(ROLES, f"未知职务“{written}”：可填{role_names()}")
        elif role not in roles:
            roles.append(role)
    return roles


def role_names() -> str:
    """The roles a roster may give, as a secretary reads them."""
    return "、".join(ROLE[role] for role in ROSTER_ROLES)


def filled(report: RowReport, column: str, value: str) -> bool:
    if not value.strip():
        report.error(column, f"“{column}”不能为空")
        return False
    return True


def _valid(rule: Any, value: str) -> bool:
    try:
        rule(value)
    except ValidationError:
        return False
    return True
