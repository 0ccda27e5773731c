-- The gateway's read model: its users, as their streams tell.
CREATE SCHEMA IF NOT EXISTS gateway;

CREATE TABLE IF NOT EXISTS gateway.users (
    username      text PRIMARY KEY,
    person_id     text NOT NULL,
    admin         boolean NOT NULL,
    registered_at timestamptz NOT NULL,
    locked_until  timestamptz,
    last_login_at timestamptz
);
CREATE INDEX IF NOT EXISTS users_person ON gateway.users (person_id);

