-- The appraisal's read model: everything here can be rebuilt from the log (`tables` in
-- projection.py). Idempotent DDL, run at service start and before a rebuild.
-- No table holds who wrote an anonymous cycle's peer review: those are known by review id only.
-- An open cycle's peer reviews name their reviewer (peer_reviews.reviewer_id), as their events do.

CREATE SCHEMA IF NOT EXISTS appraisal;

-- The roster, from the ledger's branch and institution streams.
CREATE TABLE IF NOT EXISTS appraisal.branches (
    branch_id      text PRIMARY KEY,
    institution_id text NOT NULL
);
-- Each institution's time zone: its day is the one a due date is judged by.
CREATE TABLE IF NOT EXISTS appraisal.institutions (
    institution_id text PRIMARY KEY,
    timezone       text NOT NULL
);
CREATE TABLE IF NOT EXISTS appraisal.committee (
    institution_id text NOT NULL,
    person_id      text NOT NULL,
    PRIMARY KEY (institution_id, person_id)
);
CREATE TABLE IF NOT EXISTS appraisal.members (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    name      text NOT NULL,
    group_id  text,
    active    boolean NOT NULL,
    PRIMARY KEY (branch_id, member_id)
);
-- group_id '' for branch-wide roles.
CREATE TABLE IF NOT EXISTS appraisal.roles (
    branch_id text NOT NULL,
    member_id text NOT NULL,
    role      text NOT NULL,
    group_id  text NOT NULL DEFAULT '',
    PRIMARY KEY (branch_id, member_id, role, group_id)
);

-- Cycles and their reviews. status: submitted | reopened.
CREATE TABLE IF NOT EXISTS appraisal.cycles (
    cycle_id               text PRIMARY KEY,
    branch_id              text NOT NULL,
    kind                   text NOT NULL,
    period                 text NOT NULL,
    starts_on              date NOT NULL,
    ends_on                date NOT NULL,
    peer_scope             text NOT NULL,
    windows                jsonb NOT NULL,
    weights                jsonb NOT NULL,
    bands                  jsonb NOT NULL,
    opened_by              text,
    opened_at              timestamptz NOT NULL,
    finalised_at           timestamptz,
    finalised_by           text,
    missing_reviews        jsonb,
    missing_reviews_reason text
);
CREATE INDEX IF NOT EXISTS cycles_branch ON appraisal.cycles (branch_id);
-- anonymous | open. Added to a table whose cycles were all anonymous (CycleOpened version 1).
ALTER TABLE appraisal.cycles ADD COLUMN IF NOT EXISTS peer_mode text NOT NULL DEFAULT 'anonymous';
CREATE TABLE IF NOT EXISTS appraisal.self_reviews (
    cycle_id     text NOT NULL,
    member_id    text NOT NULL,
    scores       jsonb NOT NULL,
    problems     text NOT NULL,
    status       text NOT NULL,
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, member_id)
);
-- No submission time: the order of submissions could point at their author.
CREATE TABLE IF NOT EXISTS appraisal.peer_reviews (
    cycle_id    text NOT NULL,
    review_id   text NOT NULL,
    reviewee_id text NOT NULL,
    scores      jsonb NOT NULL,
    comments    text NOT NULL,
    status      text NOT NULL,
    PRIMARY KEY (cycle_id, review_id)
);
CREATE INDEX IF NOT EXISTS peer_reviews_reviewee ON appraisal.peer_reviews (cycle_id, reviewee_id);
-- Who wrote it, in an open cycle; NULL in an anonymous one (and in every review stored before
-- cycles could be open: PeerReviewSubmitted version 2, upcast).
ALTER TABLE appraisal.peer_reviews ADD COLUMN IF NOT EXISTS reviewer_id text;
CREATE TABLE IF NOT EXISTS appraisal.leader_comments (
    cycle_id     text NOT NULL,
    member_id    text NOT NULL,
    leader_id    text NOT NULL,
    score        double precision NOT NULL,
    comment      text NOT NULL,
    status       text NOT NULL,
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, member_id)
);
CREATE TABLE IF NOT EXISTS appraisal.rectifications (
    rectification_id text PRIMARY KEY,
    cycle_id         text NOT NULL,
    branch_id        text NOT NULL,
    member_id        text NOT NULL,
    title            text NOT NULL,
    due_date         date NOT NULL,
    raised_by        text NOT NULL,
    raised_at        timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS rectifications_member ON appraisal.rectifications (member_id);
-- The ledger items planned for rectifications (kind rectification), followed to their close.
CREATE TABLE IF NOT EXISTS appraisal.rectification_items (
    item_id    text PRIMARY KEY,
    status     text NOT NULL,
    cancelled  boolean NOT NULL DEFAULT false,
    due_date   date NOT NULL,
    closed_at  timestamptz,
    note       text,
    updated_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS appraisal.measures (
    cycle_id  text NOT NULL,
    member_id text NOT NULL,
    measures  jsonb NOT NULL,
    PRIMARY KEY (cycle_id, member_id)
);
CREATE TABLE IF NOT EXISTS appraisal.results (
    cycle_id  text NOT NULL,
    member_id text NOT NULL,
    score     double precision,
    grade     text,
    breakdown jsonb NOT NULL,
    PRIMARY KEY (cycle_id, member_id)
);
CREATE INDEX IF NOT EXISTS results_member ON appraisal.results (member_id);
