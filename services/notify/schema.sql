-- The notify read model: everything here can be rebuilt from the log (`TABLES` in projection.py).
-- Idempotent DDL, run at service start and before a rebuild.

CREATE SCHEMA IF NOT EXISTS notify;

-- From the ledger's events: time zones, who belongs where, who holds which role and duty.
CREATE TABLE IF NOT EXISTS notify.institutions (
    institution_id text PRIMARY KEY,
    timezone       text NOT NULL
);
CREATE TABLE IF NOT EXISTS notify.committee (
    institution_id text NOT NULL,
    person_id      text NOT NULL,
    PRIMARY KEY (institution_id, person_id)
);
CREATE TABLE IF NOT EXISTS notify.branches (
    branch_id      text PRIMARY KEY,
    institution_id text NOT NULL
);
-- Version 3: reminders name branches and groups by name.
ALTER TABLE notify.branches ADD COLUMN IF NOT EXISTS name text;
CREATE TABLE IF NOT EXISTS notify.groups (
    branch_id text NOT NULL,
    group_id  text NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (branch_id, group_id)
);
CREATE TABLE IF NOT EXISTS notify.members (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    group_id  text,
    email     text,
    active    boolean NOT NULL,
    PRIMARY KEY (branch_id, member_id)
);
-- Version 2 of the read model: reminders name people by name.
ALTER TABLE notify.members ADD COLUMN IF NOT EXISTS name text;
CREATE INDEX IF NOT EXISTS members_member ON notify.members (member_id);
CREATE TABLE IF NOT EXISTS notify.roles (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    role      text NOT NULL,
    group_id  text NOT NULL DEFAULT '',
    PRIMARY KEY (branch_id, member_id, role, group_id)
);
CREATE TABLE IF NOT EXISTS notify.responsibilities (
    branch_id   text NOT NULL,
    goal_id     text NOT NULL,
    year        integer NOT NULL,
    supervision jsonb NOT NULL,
    urging      jsonb NOT NULL,
    PRIMARY KEY (branch_id, goal_id)
);

-- From the service's own events.
CREATE TABLE IF NOT EXISTS notify.preferences (
    member_id   text PRIMARY KEY,
    channels    jsonb NOT NULL,
    webhook_url text
);
CREATE TABLE IF NOT EXISTS notify.thresholds (
    branch_id                       text PRIMARY KEY,
    due_soon_days                   integer NOT NULL,
    escalate_after_days             integer NOT NULL,
    escalate_again_after_days       integer NOT NULL,
    study_days_before_month_end     integer NOT NULL,
    meetings_days_before_period_end integer NOT NULL
);
CREATE TABLE IF NOT EXISTS notify.reminders (
    reminder_key text PRIMARY KEY,
    rule         text NOT NULL,
    subject_id   text NOT NULL,
    period       text NOT NULL,
    recipient_id text NOT NULL,
    branch_id    text NOT NULL,
    title        text NOT NULL,
    body         text NOT NULL,
    channels     jsonb NOT NULL,
    issued_at    timestamptz NOT NULL,
    read_at      timestamptz
);
CREATE INDEX IF NOT EXISTS reminders_recipient ON notify.reminders (recipient_id, issued_at);
-- The delivery log: one row per reminder and channel (the inbox is delivered on issue).
CREATE TABLE IF NOT EXISTS notify.deliveries (
    reminder_key    text NOT NULL,
    channel         text NOT NULL,
    branch_id       text NOT NULL,
    address         text,
    status          text NOT NULL,  -- pending, delivered, failed
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error      text,
    delivered_at    timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (reminder_key, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON notify.deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_branch ON notify.deliveries (branch_id, updated_at);
