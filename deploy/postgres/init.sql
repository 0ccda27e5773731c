-- The roles and the database of taizhang, as scripts/infra.sh makes them for the local run.
-- The postgres image runs this once, on an empty data directory (docker-compose.yml mounts it in
-- /docker-entrypoint-initdb.d/). taizhang_admin owns the database and migrates the event log's
-- schema (eventlog/migrate.py); taizhang is the services' role: it reads and appends to the log
-- and creates each service's own schema, and may never change a stored event.
-- The passwords are the local run's: change them here and in docker-compose.yml's URLs for
-- anything but a trial (the database port is not published outside the compose network).
CREATE ROLE taizhang_admin LOGIN PASSWORD 'taizhang_admin';
CREATE ROLE taizhang LOGIN PASSWORD 'taizhang';
CREATE DATABASE taizhang OWNER taizhang_admin;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE taizhang TO taizhang;
