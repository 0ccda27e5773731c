"""The appraisal's schemas refuse, naming the field, what the ledger it plans into cannot take."""

from __future__ import annotations

import pytest

from services.appraisal.schemas import commands as cs
from services.common.errors import BadInput
from services.common.schemas import load

COMMENT = {"actor_id": "lead", "cycle_id": "c1", "member_id": "m1", "score": 80, "comment": "好"}


def test_a_rectification_due_beyond_the_years_the_ledger_computes_is_refused():
    late = {"title": "整改", "due_date": "9999-12-31"}
    with pytest.raises(BadInput) as refused:
        load(cs.SubmitLeaderComment(), {**COMMENT, "rectifications": [late]})
    assert refused.value.messages == {
        "rectifications": {0: {"due_date": ["a year from 2000 to 2100"]}}
    }
    due = {"title": "整改", "due_date": "2026-12-31"}
    loaded = load(cs.SubmitLeaderComment(), {**COMMENT, "rectifications": [due]})
    assert loaded.rectifications[0].due_date.year == 2026
