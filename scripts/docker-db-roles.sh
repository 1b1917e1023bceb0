#!/bin/sh
# The db container runs this once, when it creates its data directory (/docker-entrypoint-initdb.d): the
# owner role (runs the migrations, owns the tables) and the application role (reads and writes rows only),
# as the embedded server makes them (config/embedded_db.py, core/db_roles.py).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE salesflow LOGIN CREATEDB PASSWORD '${SALESFLOW_OWNER_PASSWORD}';
CREATE ROLE salesflow_app LOGIN PASSWORD '${SALESFLOW_APP_PASSWORD}';
CREATE DATABASE salesflow OWNER salesflow;
SQL
