"""The notify service's capabilities over HTTP (see services/notify/service.py): your inbox and
channels, and a branch's thresholds and delivery log for who runs it.

Your own things live under /me: the gateway names you as the member, so nobody can ask for
another's inbox or channels.
"""

from __future__ import annotations

from services.notify.schemas import commands as cs
from services.notify.schemas import queries as qs

from ..access import anyone, branch_admin
from ..schemas import notify as n
from .base import command, query

B = "/branches/{branch_id}"
ON = {"service": "notify", "tag": "notifications"}
YOURS = {**ON, "as_caller": ("member_id",)}

ENDPOINTS = [
    query(
        "inbox",
        "/me/inbox",
        anyone,
        qs.InboxQuery,
        n.Inbox(),
        "Your in-app reminders, newest first, with the unread count",
        **ON,
    ),
    command(
        "mark_read",
        "/me/inbox/{reminder_key}/read",
        anyone,
        cs.MarkReadSchema,
        "Mark a reminder of your inbox read",
        **ON,
    ),
    query(
        "preferences",
        "/me/preferences",
        anyone,
        qs.MemberQuery,
        n.Preferences(),
        "Your reminder channels (inbox and email until you choose)",
        **YOURS,
    ),
    command(
        "set_preferences",
        "/me/preferences",
        anyone,
        cs.SetPreferences,
        "Choose your reminder channels: email, webhook (with its URL), inbox",
        **YOURS,
    ),
    query(
        "thresholds",
        B + "/notifications/thresholds",
        branch_admin,
        qs.BranchQuery,
        n.Thresholds(),
        "The days that shape the branch's reminders",
        **ON,
    ),
    command(
        "set_thresholds",
        B + "/notifications/thresholds",
        branch_admin,
        cs.SetThresholds,
        "Set some of the branch's thresholds (the others keep their value)",
        **ON,
    ),
    query(
        "deliveries",
        B + "/notifications/deliveries",
        branch_admin,
        qs.DeliveriesQuery,
        n.Deliveries(),
        "The branch's delivery log: each reminder on each channel, latest change first",
        **ON,
    ),
]
