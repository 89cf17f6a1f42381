"""Concurrent XML-RPC load on the suite's public methods: do overlapping calls ever fail?

Protocol. The script logs in over XML-RPC, then picks a small shared pool of records from the
database: open leads (``won_status = pending``), vendor bills and refunds (draft first, then posted)
and customers (the leads' customers first, then others with ``customer_rank > 0``), ``--pool`` of
each (30). ``--threads`` clients (8), one ``xmlrpc.client.ServerProxy`` each, start together and
make ``--calls`` calls each (25), cycling over the three methods (thread t, call i: method
(t + i) mod 3), each call on a random subset of 3-10 ids of the shared pool (``random.Random(seed, t)``
per thread, ``--seed`` 7), so concurrent calls write the same rows:

    crm.lead.ai_score_leads(lead_ids)                  stores the scores on the leads
    account.move.ai_check_bills(bill_ids)              stores the findings on the bills
    res.partner.ai_customer_360(partner_ids)           with context refresh=True (stores the facts;
                                                       --no-refresh: read only)

A fault is any call that does not return normally: an ``xmlrpc.client.Fault`` (for instance a
serialization failure that escaped Odoo's retry of the whole request, or a "could not serialize
access due to concurrent update" turned into a UserError), a protocol error, a timeout
(``--timeout``, 120 s) or any other exception. Target: 0 faults. Also counted, not as faults: bills
returned in state ``error`` (a check that failed inside and was stored as an error) and, with
``--server-log``, the retries of Odoo's ``retrying()`` (``odoo/service/model.py``) written to the
server log during the run: a retried serialization failure is the expected, harmless outcome.

Loopback only: the URL must name 127.0.0.1, ::1 or localhost. Bounded: at most 16 threads, 100 calls
per thread, 10 ids per call, one request per thread at a time.

Run (after ``./suite start``, which serves ai_demo on 8069; AI_SUITE_PORT=8070 for another port):

    ./suite python benchmarks/load.py --url http://127.0.0.1:8070 --db ai_demo --user admin \\
        --password admin --threads 8 --calls 25 --seed 7 [--server-log /tmp/demo_start.log]

It prints one line per method and writes ``benchmarks/results/load.json``.
"""
import argparse
import ipaddress
import json
import os
import random
import re
import sys
import threading
import time
import traceback
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

RESULT = Path(__file__).resolve().parent / "results" / "load.json"
ADDONS = str(Path(__file__).resolve().parent.parent / "addons") + os.sep
MAX_THREADS, MAX_CALLS, MIN_IDS, MAX_IDS = 16, 100, 3, 10
METHODS = [
    # (name in the report, model, method, pool key)
    ("ai_score_leads", "crm.lead", "ai_score_leads", "leads"),
    ("ai_check_bills", "account.move", "ai_check_bills", "bills"),
    ("ai_customer_360", "res.partner", "ai_customer_360", "customers"),
]
# Odoo's retrying(): "<error>, <n> tries left, try again in <s> sec..." / "<error>, maximum number of tries reached!"
RETRY_RE = re.compile(r"\b([A-Za-z_]+)(?:\(.*?\))?, (\d) tries left, try again in")
GIVEUP_RE = re.compile(r"maximum number of tries reached")
FRAME_RE = re.compile(r'File "([^"]+)", line (\d+), in (\w+)')


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


def loopback_host(url):
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http":
        raise SystemExit(f"--url {url}: only http:// on the loopback interface")
    if host == "localhost":
        return host, parts.port or 80
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host, parts.port or 80
    except ValueError:
        pass
    raise SystemExit(f"--url {url}: refused, this load script only talks to the loopback interface "
                     "(127.0.0.1, ::1, localhost)")


class Client:
    def __init__(self, url, db, uid, password, timeout):
        self.db, self.uid, self.password = db, uid, password
        self.proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(timeout),
                                               allow_none=False)

    def call(self, model, method, args, kwargs=None):
        return self.proxy.execute_kw(self.db, self.uid, self.password, model, method, args, kwargs or {})


def pick_pool(client, size):
    """Shared pool of ids per method (the same for every thread)."""
    leads = client.call("crm.lead", "search_read", [[("won_status", "=", "pending"), ("active", "=", True)]],
                        {"fields": ["partner_id"], "order": "id", "limit": size})
    purchase = ("move_type", "in", ["in_invoice", "in_refund"])
    draft = client.call("account.move", "search", [[purchase, ("state", "=", "draft")]],
                        {"order": "id desc", "limit": size // 2})
    posted = client.call("account.move", "search", [[purchase, ("state", "=", "posted")]],
                         {"order": "id desc", "limit": size - len(draft)})
    lead_partners = sorted({lead["partner_id"][0] for lead in leads if lead["partner_id"]})
    customers = client.call("res.partner", "search", [[("id", "in", lead_partners)]], {"limit": size})
    if len(customers) < size:
        customers += client.call("res.partner", "search",
                                 [[("customer_rank", ">", 0), ("id", "not in", customers)]],
                                 {"order": "id", "limit": size - len(customers)})
    return {"leads": [lead["id"] for lead in leads], "bills": draft + posted, "customers": customers}


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def fault_text(exc):
    if isinstance(exc, xmlrpc.client.Fault):
        text = str(exc.faultString).strip()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        # the server's traceback is in faultString: the exception itself (last line) and the innermost
        # frame in the suite's addons (the server is on this machine: same paths)
        frames = [m for m in FRAME_RE.finditer(text) if m.group(1).startswith(ADDONS)]
        where = ""
        if frames:
            path, line, func = frames[-1].groups()
            where = f" (at addons/{os.path.relpath(path, ADDONS)}:{line} in {func})"
        return f"Fault {exc.faultCode}: {lines[-1] if lines else ''}{where}"[:600]
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:600]


def worker(tno, args, uid, pool, start, refresh):
    client = Client(args.url, args.db, uid, args.password, args.timeout)
    rnd = random.Random(f"{args.seed}-{tno}")
    records = []
    start.wait()
    for i in range(args.calls):
        name, model, method, key = METHODS[(tno + i) % len(METHODS)]
        ids = sorted(rnd.sample(pool[key], min(len(pool[key]), rnd.randint(MIN_IDS, MAX_IDS))))
        kwargs = {"context": {"refresh": True}} if method == "ai_customer_360" and refresh else {}
        t0 = time.perf_counter()
        error, error_results = None, 0
        try:
            out = client.call(model, method, [ids], kwargs)
            if method == "ai_check_bills":
                error_results = sum(1 for row in out if row.get("state") == "error")
        except Exception as exc:  # noqa: BLE001 - every failure is a fault to count
            error = fault_text(exc)
        records.append((name, time.perf_counter() - t0, error, error_results, ids))
    return records


def count_retries(path, offset):
    """Retries and give-ups of Odoo's retrying() in the server log written since ``offset``."""
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as fh:
        fh.seek(offset)
        text = fh.read()
    kinds = {}
    for match in RETRY_RE.finditer(text):
        kinds[match.group(1)] = kinds.get(match.group(1), 0) + 1
    return {"retries": sum(kinds.values()), "by_error": kinds, "gave_up": len(GIVEUP_RE.findall(text)),
            "serialize_errors_logged": text.count("could not serialize access"),
            "tracebacks_logged": text.count("Traceback (most recent call last)")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="ai_demo")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--calls", type=int, default=25, help="calls per thread")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pool", type=int, default=30, help="records of each kind in the shared pool")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per call")
    parser.add_argument("--no-refresh", action="store_true", help="ai_customer_360 without context refresh")
    parser.add_argument("--server-log", help="Odoo's log file, to count its retries during the run")
    parser.add_argument("--output", default=str(RESULT))
    args = parser.parse_args(argv)
    host, port = loopback_host(args.url)
    args.url = args.url.rstrip("/")
    if not (1 <= args.threads <= MAX_THREADS and 1 <= args.calls <= MAX_CALLS and MAX_IDS <= args.pool <= 200):
        raise SystemExit(f"bounded load: 1-{MAX_THREADS} threads, 1-{MAX_CALLS} calls, pool {MAX_IDS}-200")
    refresh = not args.no_refresh

    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common", transport=TimeoutTransport(args.timeout))
    uid = common.authenticate(args.db, args.user, args.password, {})
    if not uid:
        raise SystemExit(f"login {args.user} on {args.db} refused")
    pool = pick_pool(Client(args.url, args.db, uid, args.password, args.timeout), args.pool)
    for key, ids in pool.items():
        if len(ids) < MIN_IDS:
            raise SystemExit(f"the database has only {len(ids)} {key} for the pool: a demo database is needed")
    print(f"pool: {', '.join(f'{len(v)} {k}' for k, v in pool.items())}; {args.threads} threads x {args.calls} calls "
          f"on {host}:{port}/{args.db}", flush=True)

    log_offset = os.path.getsize(args.server_log) if args.server_log and os.path.exists(args.server_log) else 0
    start = threading.Barrier(args.threads, timeout=60)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as executor:
        futures = [executor.submit(worker, t, args, uid, pool, start, refresh) for t in range(args.threads)]
        records = [rec for fut in futures for rec in fut.result()]
    wall = time.perf_counter() - t0
    time.sleep(0.5)   # the server writes its last log lines
    server = count_retries(args.server_log, log_offset)

    def summary(rows):
        times = sorted(r[1] for r in rows)
        faults = [r[2] for r in rows if r[2]]
        return {"calls": len(rows), "faults": len(faults),
                "p50_s": round(percentile(times, 0.5), 3), "p95_s": round(percentile(times, 0.95), 3),
                "max_s": round(times[-1], 3), "first_faults": faults[:3],
                "error_results": sum(r[3] for r in rows)}

    methods = {name: summary([r for r in records if r[0] == name]) for name, *_ in METHODS}
    total = summary(records)
    total.update(wall_s=round(wall, 2), calls_per_s=round(len(records) / wall, 2))
    if server is not None:
        total["server"] = server

    print(f"\n{'method':<18}{'calls':>6}{'faults':>7}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'err.rows':>9}")
    for name, row in [*methods.items(), ("total", total)]:
        print(f"{name:<18}{row['calls']:>6}{row['faults']:>7}{row['p50_s']:>8.3f}{row['p95_s']:>8.3f}"
              f"{row['max_s']:>8.3f}{row['error_results']:>9}")
    print(f"wall {wall:.1f} s, {total['calls_per_s']} calls/s")
    if server is not None:
        print(f"server log: {server['retries']} retries {server['by_error']}, {server['gave_up']} gave up, "
              f"{server['tracebacks_logged']} tracebacks")
    for name, row in methods.items():
        for text in row["first_faults"]:
            print(f"  {name}: {text}")

    result = {
        "threads": args.threads, "calls_per_thread": args.calls, "url": host, "port": port, "db": args.db,
        "seed": args.seed, "pool": {k: len(v) for k, v in pool.items()}, "ids_per_call": [MIN_IDS, MAX_IDS],
        "customer_360_refresh": refresh, "methods": methods, "total": total,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 1 if total["faults"] else 0


if __name__ == "__main__":
    sys.exit(main())
