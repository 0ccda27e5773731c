"""The scaled demo's copies of a branch: new ids everywhere, the same history."""

from services.ledger.demo_scale import TEMPLATE, Template


def test_a_copy_renames_every_id_of_the_branch_and_keeps_its_history():
    template = Template(groups=3, members=2, items=1)
    copied = list(template.copy_of("k007", institution_id="trio"))
    text = repr([(e.stream_id, e.data, e.actor_id, e.branch_id) for e in copied])
    assert TEMPLATE not in text and "k007" in text
    assert [(e.type, e.version) for e in copied] == [(e.type, e.version) for e in template.branch]
    registered = next(e for e in copied if e.type == "BranchRegistered")
    assert (registered.stream_id, registered.data["institution_id"]) == ("branch-k007", "trio")
    members = [e.data for e in copied if e.type == "MemberJoined"]
    assert all(m["email"].endswith("@court.example") for m in members)  # only the id changes
    assert {e.stream_id for e in template.institution_as("trio")} == {"institution-trio"}
