-- The ledger's read model: everything here can be rebuilt from the log (`tables` in projection.py).
-- Idempotent DDL, run at service start and before a rebuild.

CREATE SCHEMA IF NOT EXISTS ledger;

CREATE TABLE IF NOT EXISTS ledger.institutions (
    institution_id text PRIMARY KEY,
    name           text NOT NULL,
    timezone       text NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger.committee (
    institution_id text NOT NULL,
    person_id      text NOT NULL,
    name           text NOT NULL,
    PRIMARY KEY (institution_id, person_id)
);
CREATE TABLE IF NOT EXISTS ledger.goal_templates (
    institution_id text NOT NULL,
    year           integer NOT NULL,
    goals          jsonb NOT NULL,
    PRIMARY KEY (institution_id, year)
);
CREATE TABLE IF NOT EXISTS ledger.branches (
    branch_id      text PRIMARY KEY,
    institution_id text NOT NULL,
    name           text NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger.groups (
    branch_id text NOT NULL,
    group_id  text NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (branch_id, group_id)
);
-- Members who left stay (active = false): past meetings and ledgers still name them.
CREATE TABLE IF NOT EXISTS ledger.members (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    name      text NOT NULL,
    group_id  text,
    email     text,
    active    boolean NOT NULL,
    PRIMARY KEY (branch_id, member_id)
);
CREATE INDEX IF NOT EXISTS members_member ON ledger.members (member_id);
-- Each spell of a member in the branch, from the MemberJoined to the MemberLeft (a member who
-- left and came back has two): the months the study rule may judge are those of their spells.
-- joined_on is the day the member joined; NULL (recorded before the events said it): the day
-- of joined_at, when the MemberJoined was recorded, in the institution's time zone.
CREATE TABLE IF NOT EXISTS ledger.memberships (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    joined_at timestamptz NOT NULL,
    joined_on date,
    left_at   timestamptz,
    PRIMARY KEY (branch_id, member_id, joined_at)
);
-- Current roles only; their history is the branch stream. group_id '' for branch-wide roles.
CREATE TABLE IF NOT EXISTS ledger.roles (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    role      text NOT NULL,
    group_id  text NOT NULL DEFAULT '',
    PRIMARY KEY (branch_id, member_id, role, group_id)
);
CREATE TABLE IF NOT EXISTS ledger.goals (
    branch_id      text NOT NULL,
    year           integer NOT NULL,
    goal_id        text NOT NULL,
    code           text,
    title          text NOT NULL,
    description    text NOT NULL,
    standard       boolean NOT NULL,
    ordinal        integer NOT NULL,
    responsibility jsonb,
    PRIMARY KEY (branch_id, year, goal_id)
);
CREATE TABLE IF NOT EXISTS ledger.items (
    item_id     text PRIMARY KEY,
    branch_id   text NOT NULL,
    level       text NOT NULL,
    kind        text NOT NULL,
    cadence     text NOT NULL,
    title       text NOT NULL,
    description text NOT NULL,
    goal_id     text,
    group_id    text,
    owner_id    text,
    due_date    date,
    due_day     integer,
    due_month   integer,
    starts_on   date,
    ends_on     date,
    source      jsonb,
    cancelled   boolean NOT NULL DEFAULT false,
    planned_at  timestamptz NOT NULL,
    planned_by  text,
    updated_at  timestamptz NOT NULL,
    version     integer NOT NULL
);
CREATE INDEX IF NOT EXISTS items_branch ON ledger.items (branch_id, level, group_id);
-- A routine item's review period (monthly, quarterly, half_year, annual). Added to a table whose
-- items were planned before there were routine items: NULL, as their events say (ItemPlanned
-- version 1, upcast).
ALTER TABLE ledger.items ADD COLUMN IF NOT EXISTS review text;
CREATE INDEX IF NOT EXISTS items_owner ON ledger.items (owner_id);
CREATE TABLE IF NOT EXISTS ledger.occurrences (
    item_id       text NOT NULL,
    period        text NOT NULL,
    due_date      date NOT NULL,
    status        text NOT NULL,  -- before a whole-item cancel: see items.cancelled
    started_at    timestamptz,
    completed_at  timestamptz,
    outcome_note  text,
    cancel_reason text,
    notes         integer NOT NULL DEFAULT 0,
    last_note     text,
    evidence      jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (item_id, period)
);
CREATE INDEX IF NOT EXISTS occurrences_due ON ledger.occurrences (due_date);
-- The item's branch, again: a branch's occurrences are then found by an index of their own,
-- instead of a scan of every branch's (the planner joined the branch's items to all of them:
-- a dashboard took ten times longer in a log of 1,000,000 events than in one of 10,000).
-- Added to a table of read model version 2, which the rebuild to version 3 fills.
ALTER TABLE ledger.occurrences ADD COLUMN IF NOT EXISTS branch_id text;
CREATE INDEX IF NOT EXISTS occurrences_branch ON ledger.occurrences (branch_id, due_date);
-- What was done about an occurrence that fell overdue (AccountabilityRecorded): how many actions,
-- and the latest ({"action", "note", "taken_on", "by"}). Added to a table whose occurrences had
-- none: 0 and NULL, which is what their streams say.
ALTER TABLE ledger.occurrences ADD COLUMN IF NOT EXISTS actions integer NOT NULL DEFAULT 0;
ALTER TABLE ledger.occurrences ADD COLUMN IF NOT EXISTS last_action jsonb;
-- The ledger's measures (domain/measures.py) read these counters, not the occurrences: one row
-- per cell (branch, level, kind, cadence, group, owner, goal, due date; '' where an item has no
-- group, owner or goal) counting its occurrences that are not cancelled, those done, and those
-- done on time. A view reads O(cells), whatever the size of the branch's history; the due date
-- stays in the key because "due" and "overdue" depend on the day a view is asked.
CREATE TABLE IF NOT EXISTS ledger.measure_cells (
    branch_id   text NOT NULL,
    level       text NOT NULL,
    kind        text NOT NULL,
    cadence     text NOT NULL,
    group_id    text NOT NULL,
    owner_id    text NOT NULL,
    goal_id     text NOT NULL,
    due_date    date NOT NULL,
    occurrences integer NOT NULL,
    done        integer NOT NULL,
    on_time     integer NOT NULL,
    PRIMARY KEY (branch_id, due_date, level, kind, cadence, group_id, owner_id, goal_id)
);
-- A branch's stamp moves with every event of the branch the read model applies; a summary is
-- kept under the stamp it was summed at, for the day it was summed on (queries/summaries.py).
CREATE TABLE IF NOT EXISTS ledger.branch_stamps (
    branch_id text PRIMARY KEY,
    stamp     bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger.branch_summaries (
    branch_id text NOT NULL,
    year      integer NOT NULL,
    today     date NOT NULL,
    stamp     bigint NOT NULL,
    summary   jsonb NOT NULL,
    brief     jsonb NOT NULL,  -- the summary without its detail, as the overview shows it
    PRIMARY KEY (branch_id, year)
);
-- An institution's overview, its branches' briefs ranked, kept under the sum and count of its
-- branches' stamps when it was ranked: any branch's change, or a new branch, moves the pair.
CREATE TABLE IF NOT EXISTS ledger.institution_overviews (
    institution_id text NOT NULL,
    year           integer NOT NULL,
    today          date NOT NULL,
    stamps         bigint NOT NULL,
    branches       integer NOT NULL,
    ranked         jsonb NOT NULL,
    PRIMARY KEY (institution_id, year)
);
CREATE TABLE IF NOT EXISTS ledger.meeting_requirements (
    branch_id    text NOT NULL,
    meeting_type text NOT NULL,
    cadence      text NOT NULL,
    per_group    boolean NOT NULL,
    PRIMARY KEY (branch_id, meeting_type)
);
CREATE TABLE IF NOT EXISTS ledger.meetings (
    branch_id    text NOT NULL,
    meeting_id   text NOT NULL,
    meeting_type text NOT NULL,
    held_on      date NOT NULL,
    group_id     text,
    title        text NOT NULL,
    minutes      text NOT NULL,
    recorded_by  text,
    PRIMARY KEY (branch_id, meeting_id)
);
-- A party lecture's lecturer ({"member_id", "name"}: one of them), a joint activity day's
-- partner and an activity day's place. Added to a table whose meetings were recorded before
-- there were any: NULL, which is what their events say (MeetingHeld version 1, upcast).
ALTER TABLE ledger.meetings ADD COLUMN IF NOT EXISTS lecturer jsonb;
ALTER TABLE ledger.meetings ADD COLUMN IF NOT EXISTS partner text;
ALTER TABLE ledger.meetings ADD COLUMN IF NOT EXISTS place text;
CREATE TABLE IF NOT EXISTS ledger.attendance (
    branch_id  text NOT NULL,
    meeting_id text NOT NULL,
    member_id  text NOT NULL,
    status     text NOT NULL,
    PRIMARY KEY (branch_id, meeting_id, member_id)
);
CREATE INDEX IF NOT EXISTS attendance_member ON ledger.attendance (member_id);
CREATE TABLE IF NOT EXISTS ledger.reports (
    branch_id text NOT NULL,
    report_id text NOT NULL,
    title     text NOT NULL,
    kind      text NOT NULL,
    filed_on  date NOT NULL,
    PRIMARY KEY (branch_id, report_id)
);
-- Files attached to an item (period: the occurrence whose evidence it is), a meeting or a report
-- (record: item, meeting, report; a meeting's or report's id is its branch's); the bytes are in
-- the blob store under sha256.
CREATE TABLE IF NOT EXISTS ledger.attachments (
    record        text NOT NULL,
    record_id     text NOT NULL,
    attachment_id text NOT NULL,
    branch_id     text NOT NULL,
    period        text,
    sha256        text NOT NULL,
    name          text NOT NULL,
    media_type    text NOT NULL,
    size          bigint NOT NULL,
    note          text NOT NULL,
    attached_by   text,
    attached_at   timestamptz NOT NULL,
    PRIMARY KEY (branch_id, record, record_id, attachment_id)
);
CREATE TABLE IF NOT EXISTS ledger.articles (
    member_id        text NOT NULL,
    article_id       text NOT NULL,
    branch_id        text NOT NULL,
    title            text NOT NULL,
    link             text,
    posted_on        date NOT NULL,
    month            text NOT NULL,
    recommended_by   text,
    recommended_note text,
    PRIMARY KEY (member_id, article_id)
);
CREATE INDEX IF NOT EXISTS articles_branch_month ON ledger.articles (branch_id, month);

-- One row per item occurrence with its effective status (a whole-item cancel shows on every
-- unfinished occurrence) and the local date it was completed on (for "on time").
CREATE OR REPLACE VIEW ledger.entries AS
SELECT i.item_id, o.branch_id, i.level, i.kind, i.cadence, i.title, i.goal_id, i.group_id,
       i.owner_id, o.period, o.due_date, o.started_at, o.completed_at, o.outcome_note,
       o.cancel_reason, o.notes, o.last_note, o.evidence,
       CASE WHEN i.cancelled AND o.status <> 'done' THEN 'cancelled' ELSE o.status END AS status,
       (o.completed_at AT TIME ZONE coalesce(inst.timezone, 'Asia/Shanghai'))::date
           AS completed_on,
       o.actions, o.last_action, i.review
FROM ledger.items i
-- Joined on the branch too, so that a branch's rows are found by both tables' branch indexes.
JOIN ledger.occurrences o ON o.item_id = i.item_id AND o.branch_id = i.branch_id
LEFT JOIN ledger.branches b ON b.branch_id = o.branch_id
LEFT JOIN ledger.institutions inst ON inst.institution_id = b.institution_id;
