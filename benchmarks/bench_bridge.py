"""Speed of the CRM-ERP bridge's customer 360 and the lead-scoring AUC with and without the ERP facts.

    ./suite bench bridge [--partners 20000] [--invoice-lines 500000] [--order-lines 200000]
                         [--demo-db bench_bridge_demo] [--no-auc] [--recreate]

Speed: a scratch database ``bench_bridge`` with crm_erp_bridge is created on first use (``--recreate``
to start again) and filled by SQL bulk inserts (set-up only); then it times the refresh of every
customer's 360 facts (the scheduled action, median of 3 runs) and opening a partner form as the web
client does (``get_views`` once, then ``web_read`` of the form's fields on a cold cache, median of 30
partners with facts).

AUC: on a database with the demo history (``--demo-db``; created with ``ai_suite_demo`` at scale 1 when
missing, which takes several minutes), the lead-scoring model is trained twice through
``crm.lead._ai_train_company`` - with and without the ERP facts - and the AUC of the company model on its
time-ordered validation part (the newest 20 % of closed leads) is reported; nothing is kept.

Prints a table and merges {"refresh_20k_partners_s", "partner_form_ms", "auc_with_erp_facts",
"auc_without_erp_facts"} (plus details under "bridge_details") into benchmarks/results/bridge.json.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "bridge.json"
DB = "bench_bridge"


def odoo_cmd():
    return json.loads(os.environ["AI_SUITE_ODOO_CMD"])


def pg():
    return json.loads(os.environ["AI_SUITE_PG"])


def db_exists(db):
    out = subprocess.run(["psql", "-h", pg()["host"], "-U", pg()["user"], "-d", "postgres", "-tAc",
                          f"SELECT 1 FROM pg_database WHERE datname = '{db}'"], capture_output=True, text=True)
    return out.stdout.strip() == "1"


def dropdb(db):
    subprocess.run(["dropdb", "--if-exists", "-h", pg()["host"], "-U", pg()["user"], db], check=False)


def install(db, module, extra_env=None):
    subprocess.run(odoo_cmd() + ["-d", db, "-i", module, "--stop-after-init", "--log-level=warn",
                                 "--http-interface=127.0.0.1", "--max-cron-threads=0"],
                   check=True, env=dict(os.environ, **(extra_env or {})))


def registry(db):
    import odoo.modules.registry
    from odoo.tools import config

    config.parse_config(list(odoo_cmd()[2:]) + ["-d", db, "--log-level=warn", "--max-cron-threads=0"])
    return odoo.modules.registry.Registry(db)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def form_spec(env, model="res.partner"):
    """The field specification the web client sends to ``web_read`` when it opens a record in the form."""
    views = env[model].get_views([(False, "form")])
    fields_ = views["models"][model]["fields"]
    spec = {}
    for name, desc in fields_.items():
        if desc["type"] in ("many2one", "one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def measure_speed(args):
    from odoo import SUPERUSER_ID, api

    import bridge_data

    if args.recreate or not db_exists(DB):
        dropdb(DB)
        print(f"creating {DB} with crm_erp_bridge ...", flush=True)
        install(DB, "crm_erp_bridge")
    reg = registry(DB)
    with reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "crm_erp_bridge_no_refresh": True})
        cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
        if not cr.fetchone()[0]:
            print(f"inserting {args.partners} partners, {args.invoice_lines} invoice lines, {args.order_lines} "
                  "order lines ...", flush=True)
            seconds, sizes = timed(lambda: bridge_data.populate(env, args.partners, args.invoice_lines,
                                                                args.order_lines))
            cr.commit()
            print(f"  done in {seconds:.0f} s: {sizes}", flush=True)
        cr.execute("SELECT count(*) FROM account_move_line WHERE display_type = 'product' AND move_name LIKE 'BINV/%%'")
        n_inv_lines = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sale_order_line")
        n_order_lines = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
        n_partners = cr.fetchone()[0]
        Partner = env["res.partner"].with_context(crm_erp_bridge_no_refresh=False)
        runs = []
        for _rep in range(args.repeats):
            seconds, stats = timed(lambda: Partner._cron_ai_refresh_360(batch_size=args.batch, commit=False))
            cr.commit()
            env.invalidate_all()
            runs.append(seconds)
            print(f"  refresh: {seconds:.2f} s ({stats['processed']} customers, {stats['failed']} failed)", flush=True)
        cr.execute("SELECT count(*), count(*) FILTER (WHERE is_late_payer), count(*) FILTER (WHERE is_top_customer) "
                   "FROM ai_customer_fact")
        n_facts, n_late, n_top = cr.fetchone()
        # one partner's refresh, as after a payment (precommit)
        some = env["ai.customer.fact"].search([], limit=20).partner_id
        one_runs = []
        for partner in some:
            one_runs.append(timed(partner._ai_refresh_360)[0] * 1000)
        cr.rollback()
        # the form, as the web client opens it: get_views (cached after the first call), then web_read
        spec = form_spec(env)
        partners = env["ai.customer.fact"].search([], limit=30, order="id desc").partner_id
        form_runs = []
        for partner in partners:
            env.invalidate_all()
            start = time.perf_counter()
            env["res.partner"].get_views([(False, "form")])
            partner.web_read(spec)
            form_runs.append((time.perf_counter() - start) * 1000)
        check = partners[:1].web_read({"ai_revenue_12m": {}, "ai_is_late_payer": {}, "ai_main_products": {}})
        cr.rollback()
    return {
        "refresh_s": statistics.median(runs),
        "refresh_runs_s": [round(r, 2) for r in runs],
        "refresh_one_partner_ms": round(statistics.median(one_runs), 1),
        "partner_form_ms": statistics.median(form_runs),
        "partner_form_p95_ms": sorted(form_runs)[int(0.95 * len(form_runs)) - 1],
        "n_partners": n_partners,
        "n_invoice_lines": n_inv_lines,
        "n_order_lines": n_order_lines,
        "n_facts": n_facts,
        "n_late_payers": n_late,
        "n_top_customers": n_top,
        "form_fields": len(spec),
        "sample": check,
    }


def measure_auc(args):
    from odoo import SUPERUSER_ID, api

    db = args.demo_db
    if not db_exists(db):
        print(f"creating {db} with the demo history (ai_suite_demo, scale 1) ...", flush=True)
        install(db, "ai_suite_demo", {"AI_SUITE_DEMO_SCALE": "1"})
    reg = registry(db)
    result = {}
    with reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].search([], order="id", limit=1)
        cr.execute("SELECT count(*) FILTER (WHERE won_status = 'won'), count(*) FILTER (WHERE won_status = 'lost') "
                   "FROM crm_lead WHERE company_id = %s", [company.id])
        n_won, n_lost = cr.fetchone()
        for flag, key in ((False, "without"), (True, "with")):
            models = env["crm.lead"].with_context(ai_erp_features=flag)._ai_train_company(company)
            for model in models:
                result.setdefault(key, {})[model.scope or "company"] = {
                    "auc": model.metrics.get("auc"), "brier": model.metrics.get("brier"),
                    "n_test": model.metrics.get("n_test")}
            if flag:
                model = models.filtered(lambda m: not m.scope)
                payload = model._load_payload()
                result["erp_importance"] = {f["name"]: round(f["importance"], 4) for f in payload["features"]
                                            if f["name"].startswith("erp_")}
            cr.rollback()
    result.update(n_won=n_won, n_lost=n_lost, db=db)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--invoice-lines", type=int, default=500_000)
    parser.add_argument("--order-lines", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demo-db", default="bench_bridge_demo")
    parser.add_argument("--no-auc", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args(argv)

    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    details = data.get("bridge_details", {})
    speed = auc = None
    if not args.no_speed:
        speed = measure_speed(args)
        data["refresh_20k_partners_s"] = round(speed["refresh_s"], 2)
        data["partner_form_ms"] = round(speed["partner_form_ms"], 1)
        details["speed"] = {k: v for k, v in speed.items() if k != "sample"}
    if not args.no_auc:
        auc = measure_auc(args)
        data["auc_with_erp_facts"] = round(auc["with"]["company"]["auc"], 4)
        data["auc_without_erp_facts"] = round(auc["without"]["company"]["auc"], 4)
        details["auc"] = auc
    data["bridge_details"] = details
    print()
    print(f"{'measure':58s} {'value':>12s} {'target':>10s}")
    if speed:
        label = (f"refresh all 360 facts ({speed['n_partners']} partners, {speed['n_invoice_lines']} "
                 f"invoice lines, {speed['n_order_lines']} order lines)")
        print(label)
        label = f"  median of {len(speed['refresh_runs_s'])} runs, s"
        print(f"{label:58s} {speed['refresh_s']:12.2f} {'< 60':>10s}")
        print(f"{'refresh one customer (after a payment) ms':58s} {speed['refresh_one_partner_ms']:12.1f}")
        label = f"open a partner form (get_views + web_read of {speed['form_fields']} fields) ms"
        print(f"{label:58s} {speed['partner_form_ms']:12.1f} {'< 200':>10s}")
    if auc:
        for key in ("without", "with"):
            for scope, m in auc[key].items():
                label = f"lead scoring AUC {key} ERP facts ({scope}, {m['n_test']} newest)"
                print(f"{label:58s} {m['auc']:12.4f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
