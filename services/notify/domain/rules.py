"""Every rule at once: the reminders one branch's inputs call for at `now`. Pure.

The result depends only on (inputs, now, thresholds); the same call twice gives the same
reminders, with the same keys — which is what makes the scan safe to repeat.
"""

from __future__ import annotations

from datetime import datetime

from .appraisal_rules import appraisal_reminders
from .inputs import BranchInputs
from .item_rules import item_reminders
from .life_rules import meeting_reminders, study_reminders
from .reminders import Reminder


def due(inputs: BranchInputs, now: datetime) -> list[Reminder]:
    today = inputs.today(now)
    found = [
        *item_reminders(inputs, today),
        *study_reminders(inputs, today),
        *meeting_reminders(inputs, today),
        *appraisal_reminders(inputs, now),
    ]
    return list({reminder.key: reminder for reminder in found}.values())
