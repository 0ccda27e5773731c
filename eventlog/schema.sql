-- The event log. Run by the schema owner (`taizhang migrate`); services connect as a role that may
-- only read and append here. Idempotent: every statement may run again.

CREATE SCHEMA IF NOT EXISTS eventlog;

CREATE TABLE IF NOT EXISTS eventlog.events (
    -- Unique and increasing in insert order. NOT commit order: see store.py for the log order.
    position        bigint GENERATED ALWAYS AS IDENTITY,
    -- The writing transaction's 64-bit id (no wraparound).
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    event_type      text        NOT NULL,
    schema_version  smallint    NOT NULL DEFAULT 1,
    source          text        NOT NULL,
    -- json, not jsonb: kept exactly as written (which the hash chain covers), checked to be JSON,
    -- never queried inside; and it costs a fraction of jsonb's parse on every append.
    data            json        NOT NULL,
    branch_id       text,
    actor_id        text,
    correlation_id  text,
    causation_id    text,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    -- Three indexes, each paid for on every append: the log order (the primary key), event ids
    -- (idempotency) and stream versions (optimistic concurrency). Readers of a few categories
    -- filter the log order; their place moves on to the head even when nothing matched.
    CONSTRAINT events_pkey PRIMARY KEY (transaction_id, position),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);

-- One row per event the relay has published, in log order, chained: chain_hash =
-- sha256(previous chain_hash || event_hash). `taizhang verify` recomputes both from the events.
CREATE TABLE IF NOT EXISTS eventlog.seals (
    position        bigint NOT NULL,
    transaction_id  xid8  NOT NULL,
    event_hash      bytea NOT NULL,
    chain_hash      bytea NOT NULL,
    -- In log order, as `verify` pages through them beside the events.
    CONSTRAINT seals_pkey PRIMARY KEY (transaction_id, position)
);

-- A log made with the first layout (primary keys on position alone, a log-order index, a
-- category column and index, data as jsonb) is brought to this one in place, each step only
-- if needed (ALTER locks the table). ALTER fires no row trigger, and data::json is jsonb's own
-- text, the very text the seals hashed: the chain still verifies.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = 'eventlog.events'::regclass
               AND conname = 'events_pkey' AND cardinality(conkey) = 1) THEN
        ALTER TABLE eventlog.events DROP CONSTRAINT events_pkey,
            ADD CONSTRAINT events_pkey PRIMARY KEY (transaction_id, position);
        DROP INDEX IF EXISTS eventlog.events_log_order;
    END IF;
    IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = 'eventlog.seals'::regclass
               AND conname = 'seals_pkey' AND cardinality(conkey) = 1) THEN
        ALTER TABLE eventlog.seals DROP CONSTRAINT seals_pkey,
            ADD CONSTRAINT seals_pkey PRIMARY KEY (transaction_id, position);
    END IF;
    IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'eventlog.events'::regclass
               AND attname = 'category' AND NOT attisdropped) THEN
        ALTER TABLE eventlog.events DROP COLUMN category;  -- and its index with it
    END IF;
    IF (SELECT atttypid FROM pg_attribute WHERE attrelid = 'eventlog.events'::regclass
        AND attname = 'data') = 'jsonb'::regtype THEN
        ALTER TABLE eventlog.events ALTER COLUMN data TYPE json USING data::json;
    END IF;
END
$$;

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
-- The read model's version when it was built (Projection.version; a lower one is rebuilt). Added
-- to a log of an earlier layout only if missing: ALTER locks the table even when it does nothing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'eventlog.subscriptions'::regclass
                   AND attname = 'version' AND NOT attisdropped) THEN
        ALTER TABLE eventlog.subscriptions ADD COLUMN version integer NOT NULL DEFAULT 1;
    END IF;
END
$$;

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

-- Files the events name by the SHA-256 of their content (eventlog/blobs.py): each stored once,
-- under its own hash (checked here), and append-only as the events are. Kept uncompressed
-- (EXTERNAL): attachments are mostly compressed already (images, PDF, office files), and a
-- download then reads a slice at a time instead of the whole value for every slice.
CREATE TABLE IF NOT EXISTS eventlog.blobs (
    sha256     text        PRIMARY KEY CHECK (sha256 = encode(sha256(content), 'hex')),
    size       bigint      NOT NULL CHECK (size = octet_length(content)),
    content    bytea       NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now()
);
DO $$
BEGIN
    IF (SELECT attstorage FROM pg_attribute WHERE attrelid = 'eventlog.blobs'::regclass
        AND attname = 'content') <> 'e' THEN
        ALTER TABLE eventlog.blobs ALTER COLUMN content SET STORAGE EXTERNAL;
    END IF;
END
$$;
CREATE OR REPLACE TRIGGER blobs_append_only
    BEFORE UPDATE OR DELETE ON eventlog.blobs
    FOR EACH ROW EXECUTE FUNCTION eventlog.refuse_change();
CREATE OR REPLACE TRIGGER blobs_no_truncate
    BEFORE TRUNCATE ON eventlog.blobs
    FOR EACH STATEMENT EXECUTE FUNCTION eventlog.refuse_change();
