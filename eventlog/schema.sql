-- The event log. Run by the schema owner (`taizhang migrate`); services connect as a role that may
-- only read and append here. Idempotent: every statement may run again.

CREATE SCHEMA IF NOT EXISTS eventlog;

CREATE TABLE IF NOT EXISTS eventlog.events (
    -- Unique and increasing in insert order. NOT commit order: see store.py for the log order.
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction's 64-bit id (no wraparound). Log order is (transaction_id, position).
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    category        text        NOT NULL GENERATED ALWAYS AS (split_part(stream_id, '-', 1)) STORED,
    event_type      text        NOT NULL,
    schema_version  smallint    NOT NULL DEFAULT 1,
    source          text        NOT NULL,
    data            jsonb       NOT NULL,
    branch_id       text,
    actor_id        text,
    correlation_id  text,
    causation_id    text,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);

CREATE INDEX IF NOT EXISTS events_log_order ON eventlog.events (transaction_id, position);
CREATE INDEX IF NOT EXISTS events_category_order
    ON eventlog.events (category, transaction_id, position);

-- One row per event the relay has published, in log order, chained: chain_hash =
-- sha256(previous chain_hash || event_hash). `taizhang verify` recomputes both from the events.
CREATE TABLE IF NOT EXISTS eventlog.seals (
    position        bigint PRIMARY KEY,
    transaction_id  xid8  NOT NULL,
    event_hash      bytea NOT NULL,
    chain_hash      bytea NOT NULL
);

CREATE TABLE IF NOT EXISTS eventlog.relay_checkpoints (
    name            text PRIMARY KEY,
    transaction_id  xid8        NOT NULL,
    position        bigint      NOT NULL,
    chain_hash      bytea       NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A consumer's place in the log (where its catch-up sweep resumes) ...
CREATE TABLE IF NOT EXISTS eventlog.subscriptions (
    name            text PRIMARY KEY,
    transaction_id  xid8        NOT NULL DEFAULT '0',
    position        bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- ... and, per stream, the last version it applied: written in the same transaction as the
-- read-model change, so an event takes effect exactly once and in stream order.
CREATE TABLE IF NOT EXISTS eventlog.tracking (
    subscription    text    NOT NULL,
    stream_id       text    NOT NULL,
    version         integer NOT NULL,
    PRIMARY KEY (subscription, stream_id)
);

-- Append-only, enforced by the database for every role, the owner included: privileges alone
-- would not stop the owner, a trigger does.
CREATE OR REPLACE FUNCTION eventlog.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'eventlog.% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON eventlog.events
    FOR EACH ROW EXECUTE FUNCTION eventlog.refuse_change();
CREATE OR REPLACE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON eventlog.events
    FOR EACH STATEMENT EXECUTE FUNCTION eventlog.refuse_change();
CREATE OR REPLACE TRIGGER seals_append_only
    BEFORE UPDATE OR DELETE ON eventlog.seals
    FOR EACH ROW EXECUTE FUNCTION eventlog.refuse_change();
CREATE OR REPLACE TRIGGER seals_no_truncate
    BEFORE TRUNCATE ON eventlog.seals
    FOR EACH STATEMENT EXECUTE FUNCTION eventlog.refuse_change();
