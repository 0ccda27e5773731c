-- The gateway's reach read model (reach/projection.py): what it authorises requests with, from
-- the ledger's organisation and items and the appraisal's cycles. Rebuilt from the log.
CREATE SCHEMA IF NOT EXISTS gateway;

CREATE TABLE IF NOT EXISTS gateway.committee (
    person_id      text NOT NULL,
    institution_id text NOT NULL,
    PRIMARY KEY (person_id, institution_id)
);
CREATE TABLE IF NOT EXISTS gateway.branches (
    branch_id      text PRIMARY KEY,
    institution_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS branches_institution ON gateway.branches (institution_id);
-- As the ledger keeps them (ledger.members, ledger.roles): a member who left stays, inactive,
-- and roles are rows of their own, so that a person's reach is what its member_roles says.
CREATE TABLE IF NOT EXISTS gateway.members (
    member_id text NOT NULL,
    branch_id text NOT NULL,
    name      text NOT NULL,
    group_id  text,
    active    boolean NOT NULL,
    PRIMARY KEY (member_id, branch_id)
);
-- group_id '' for roles of the whole branch.
CREATE TABLE IF NOT EXISTS gateway.roles (
    member_id text NOT NULL,
    branch_id text NOT NULL,
    role      text NOT NULL,
    group_id  text NOT NULL DEFAULT '',
    PRIMARY KEY (member_id, branch_id, role, group_id)
);
-- An item's place and who answers for it: what the item rules (item_owner, item_manager) read.
CREATE TABLE IF NOT EXISTS gateway.items (
    item_id   text PRIMARY KEY,
    branch_id text NOT NULL,
    level     text NOT NULL,
    group_id  text,
    owner_id  text
);
CREATE TABLE IF NOT EXISTS gateway.appraisal_cycles (
    cycle_id  text PRIMARY KEY,
    branch_id text NOT NULL
);
