"""End to end: the real Odoo server, started on a free port, driven over XML-RPC like an integration would."""
import subprocess
import time
import urllib.request
import xmlrpc.client

import pytest

from odoo_harness import REPO, free_port, odoo_command

SUITE = ["ai_base", "ai_lead_scoring", "ai_invoice_check", "ai_stock_forecast", "crm_erp_bridge"]


@pytest.fixture(scope="module")
def server(odoo_run):
    cmd, _pg = odoo_command()
    port = free_port()
    args = cmd + ["-d", odoo_run.db, f"--db-filter=^{odoo_run.db}$", f"--http-port={port}",
                  "--http-interface=127.0.0.1", "--workers=0", "--max-cron-threads=0", "--log-level=warn"]
    log = open(odoo_run.log_path.with_suffix(".server.log"), "w")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Odoo did not start on {url}: see {log.name}")
        time.sleep(0.5)
    yield url, odoo_run.db
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def rpc(server):
    url, db = server
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(db, "admin", "admin", {})
    assert uid, "admin/admin could not log in"
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kw):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kw)

    call.common = common
    return call


def test_server_version(rpc):
    assert rpc.common.version()["server_serie"] == "19.0"


def test_suite_modules_installed(rpc):
    rows = rpc("ir.module.module", "search_read", [("name", "in", SUITE)], fields=["name", "state"])
    assert {r["name"]: r["state"] for r in rows} == {name: "installed" for name in SUITE}


def test_create_lead_and_read_it_back(rpc):
    partner_id = rpc("res.partner", "create", {"name": "Brasserie Dupont", "email": "achats@brasserie-dupont.fr",
                                                "is_company": True})
    lead_id = rpc("crm.lead", "create", {"name": "Equip the new bar", "partner_id": partner_id,
                                         "type": "opportunity", "expected_revenue": 12500.0,
                                         "email_from": "achats@brasserie-dupont.fr"})
    [lead] = rpc("crm.lead", "read", [lead_id], fields=["name", "partner_id", "expected_revenue", "type",
                                                        "probability", "stage_id"])
    assert lead["name"] == "Equip the new bar"
    assert lead["partner_id"][0] == partner_id
    assert lead["expected_revenue"] == 12500.0
    assert lead["type"] == "opportunity"
    assert 0.0 <= lead["probability"] <= 100.0
    assert lead["stage_id"]


def test_wrong_password_is_refused(server):
    url, db = server
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    assert not common.authenticate(db, "admin", "not-the-password", {})


def test_lead_scoring_over_xmlrpc(rpc):
    lead_id = rpc("crm.lead", "create", {"name": "Scored over XML-RPC", "type": "opportunity",
                                         "expected_revenue": 4200.0, "contact_name": "Claire Martin",
                                         "description": "Needs 40 lamps before June."})
    [scored] = rpc("crm.lead", "ai_score_leads", [lead_id])
    assert scored["id"] == lead_id and 0 <= scored["score"] <= 100 and scored["band"] in "ABCD"
    assert scored["reasons"], "a score always comes with its reasons"
    [explained] = rpc("crm.lead", "ai_explain", [lead_id])
    assert explained["text"]
    [action] = rpc("crm.lead", "ai_next_best_action", [lead_id])
    assert action["channel"] in ("email", "phone", "linkedin") and action["draft"]["body"]
    [lead] = rpc("crm.lead", "read", [lead_id], fields=["ai_score", "ai_band", "ai_followup_draft"])
    assert lead["ai_score"] == scored["score"] and lead["ai_followup_draft"] == action["draft"]["body"]


def test_xmlrpc_unknown_lead_is_a_clear_error(rpc):
    """An id that does not exist is an access error (the same as one of another company), and a bad
    argument a clear refusal (fault 2), never a traceback (fault 1)."""
    with pytest.raises(xmlrpc.client.Fault, match="cannot access") as missing:
        rpc("crm.lead", "ai_explain", [987654321])
    assert missing.value.faultCode == 4
    for bad in (5, "abc", [[1]], ["1"], [-1]):
        with pytest.raises(xmlrpc.client.Fault) as refused:
            rpc("crm.lead", "ai_score_leads", bad)
        assert refused.value.faultCode == 2, refused.value.faultString


def test_bill_check_over_xmlrpc(rpc):
    ids = rpc("account.move", "search", [("move_type", "=", "in_invoice"), ("ai_to_verify", "=", True)])
    assert ids, "the demo history plants wrong bills that wait in draft"
    rows = rpc("account.move", "ai_check_bills", ids)
    assert {row["id"] for row in rows} == set(ids)
    assert all(row["state"] in ("warning", "high") and row["findings"] for row in rows)
    kinds = {finding["kind"] for row in rows for finding in row["findings"]}
    assert {"amount", "duplicate", "bank_account", "line_price"} <= kinds, kinds
    # posting over XML-RPC goes through the same check: a new bank account waits for a manager
    changed = next(row for row in rows if any(f["kind"] == "bank_account" for f in row["findings"]))
    assert changed["approval"] == "pending"
    with pytest.raises(xmlrpc.client.Fault, match="approval"):
        rpc("account.move", "action_post", [changed["id"]])
    [after] = rpc("account.move", "read", [changed["id"]], fields=["state"])
    assert after["state"] == "draft"


def test_integration_reads_every_field_of_the_suite_records(rpc):
    """``search_read`` with every field, as a generic integration does: the suite's JSON fields
    (reasons, proposals, findings, model metrics) carry no null that XML-RPC could not marshal."""
    for model, domain in (("account.move", [("move_type", "=", "in_invoice")]),
                          ("account.move.line", [("move_id.move_type", "=", "in_invoice")]),
                          ("crm.lead", []), ("ai.trained.model", []), ("ai.invoice.finding", []),
                          ("ai.stock.forecast", [])):
        count = rpc(model, "search_count", domain)
        rows = []
        for offset in range(0, min(count, 3000), 500):
            rows += rpc(model, "search_read", domain, offset=offset, limit=500)   # a null would fault here
        assert len(rows) == min(count, 3000), model
