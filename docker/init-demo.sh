#!/bin/bash
# Start command of the odoo service in docker-compose.yml.
#
# 1. If the demo database does not exist yet, or the demo module ai_suite_demo is not
#    installed in it, run `odoo -d ai_demo -i ai_suite_demo --stop-after-init` once.
#    Odoo creates the database itself; installing ai_suite_demo installs the whole suite
#    and generates the demo history (a few minutes).
# 2. Then serve that database only: `odoo -d ai_demo --db-filter=^ai_demo$`.
#
# Both Odoo runs go through the official image's /entrypoint.sh, which waits for
# PostgreSQL and turns the HOST/USER/PASSWORD environment into --db_* arguments
# (for the settings that /etc/odoo/odoo.conf does not already give).
#
# Environment (all optional):
#   AI_SUITE_DB       demo database name (default ai_demo)
#   AI_SUITE_UPDATE   1 = on every start of an existing database, update the suite's
#                     modules first (-u), e.g. after pulling new addon code
# Extra arguments are passed on to the final `odoo` serve command.
set -euo pipefail

DB_NAME="${AI_SUITE_DB:-ai_demo}"
DEMO_MODULE="ai_suite_demo"
SUITE_MODULES="ai_base,ai_lead_scoring,ai_invoice_check,ai_stock_forecast,crm_erp_bridge,${DEMO_MODULE}"

log() {
    echo "[init-demo] $*" >&2
}

# Print the state of DEMO_MODULE in DB_NAME: "nodb" (no such database), "nomodules"
# (database is not an initialised Odoo database), "absent" (module unknown to it), or
# the module's state from ir_module_module ("installed", "uninstalled", "to install", ...).
# Connection settings are resolved the way Odoo in this container resolves them:
# odoo.conf first, then PG* variables, then the HOST/PORT/USER/PASSWORD variables of the
# official image (defaults db, 5432, odoo, odoo).
module_state() {
    python3 - "$DB_NAME" "$DEMO_MODULE" <<'PY'
import configparser
import os
import sys
import time

import psycopg2

db_name, module = sys.argv[1], sys.argv[2]

options = {}
rc = os.environ.get("ODOO_RC", "/etc/odoo/odoo.conf")
parser = configparser.RawConfigParser()
try:
    parser.read(rc)
    options = dict(parser.items("options"))
except (OSError, configparser.Error):
    pass


def setting(key, pg_var, image_var, default):
    value = options.get(key)
    if value not in (None, "", "False", "false", "None"):
        return value
    return os.environ.get(pg_var) or os.environ.get(image_var) or default


params = {
    "host": setting("db_host", "PGHOST", "HOST", "db"),
    "port": setting("db_port", "PGPORT", "PORT", "5432"),
    "user": setting("db_user", "PGUSER", "USER", "odoo"),
    "password": setting("db_password", "PGPASSWORD", "PASSWORD", "odoo"),
    "connect_timeout": 5,
}

# compose already waits for the db healthcheck; retry anyway for a slow first start
deadline = time.monotonic() + 60
while True:
    try:
        conn = psycopg2.connect(dbname="postgres", **params)
        break
    except psycopg2.OperationalError as exc:
        if time.monotonic() > deadline:
            sys.exit("cannot connect to PostgreSQL at %s:%s as %s: %s"
                     % (params["host"], params["port"], params["user"], exc))
        time.sleep(2)

with conn, conn.cursor() as cr:
    cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
    exists = cr.fetchone() is not None
conn.close()
if not exists:
    print("nodb")
    sys.exit(0)

conn = psycopg2.connect(dbname=db_name, **params)
try:
    with conn.cursor() as cr:
        cr.execute("SELECT to_regclass('public.ir_module_module') IS NOT NULL")
        if not cr.fetchone()[0]:
            print("nomodules")
            sys.exit(0)
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
        row = cr.fetchone()
        print(row[0] if row else "absent")
finally:
    conn.close()
PY
}

state="$(module_state)"
log "database ${DB_NAME}: ${DEMO_MODULE} state is '${state}'"

if [ "$state" != "installed" ]; then
    log "creating the demo database ${DB_NAME}: installing ${DEMO_MODULE} (the whole AI suite" \
        "and several years of generated history); this takes a few minutes"
    /entrypoint.sh odoo -d "$DB_NAME" -i "$DEMO_MODULE" --stop-after-init
    log "demo database ${DB_NAME} ready"
elif [ "${AI_SUITE_UPDATE:-0}" = "1" ]; then
    log "updating the suite's modules on ${DB_NAME}: ${SUITE_MODULES}"
    /entrypoint.sh odoo -d "$DB_NAME" -u "$SUITE_MODULES" --stop-after-init
fi

log "serving ${DB_NAME} on http://localhost:8069/odoo (login admin, password admin)"
exec /entrypoint.sh odoo -d "$DB_NAME" --db-filter="^${DB_NAME}\$" "$@"
