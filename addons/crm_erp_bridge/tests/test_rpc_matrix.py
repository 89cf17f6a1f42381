"""Every public AI method of the suite, called over real XML-RPC by each kind of employee.

Each cell of the role x method matrix states what that employee gets: the result ("ok"), an access
error ("access": XML-RPC fault 4) or a clear refusal of the arguments ("user": fault 2). A raw
server error (fault 1, a traceback) is never an expected outcome. The probes of the arguments
(wrong types, too many ids, ids of another company or that do not exist) are in the second class.
"""
import base64
import xmlrpc.client

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

OK, ACCESS, USER = "ok", "access", "user"
ROLES = ("salesman", "sales_manager", "accountant", "auditor", "stock_user", "purchaser", "portal", "other_company")
GROUPS = {
    "salesman": "sales_team.group_sale_salesman",
    "sales_manager": "sales_team.group_sale_manager",
    "accountant": "account.group_account_invoice",
    "auditor": "account.group_account_readonly",
    "stock_user": "stock.group_stock_user",
    "purchaser": "purchase.group_purchase_user",
    "portal": "base.group_portal",
    # a manager of every app, but of the second company only
    "other_company": "sales_team.group_sale_manager,account.group_account_manager,stock.group_stock_manager,"
                     "purchase.group_purchase_manager,ai_base.group_ai_manager",
}


class RpcCase(AccountTestInvoicingHttpCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the fixture is laid out by the superuser (the accounting test user has no CRM rights)
        cls.env = cls.env(su=True, context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.company_data["company"]
        cls.company_b = cls.setup_other_company(name="Autre Société SA")["company"]
        cls.users = {}
        for role in ROLES:
            company = cls.company_b if role == "other_company" else cls.company
            cls.users[role] = new_test_user(
                cls.env, login=f"rpc_{role}", password=f"rpc_{role}_pwd", groups=GROUPS[role],
                company_id=company.id, company_ids=[Command.set(company.ids)])
        # company A: an opportunity of the salesman, a customer of its own, a draft supplier bill, a product
        cls.customer = cls.env["res.partner"].create({"name": "Client Alpha SA", "is_company": True,
                                                      "company_id": cls.company.id})
        cls.lead = cls.env["crm.lead"].create({
            "name": "Alpha: nouvelle installation", "type": "opportunity", "partner_id": cls.customer.id,
            "user_id": cls.users["salesman"].id, "company_id": cls.company.id, "expected_revenue": 5000.0})
        cls.supplier = cls.env["res.partner"].create({"name": "Fournisseur Bêta Sàrl", "is_company": True,
                                                      "company_id": cls.company.id})
        cls.bill = cls.init_invoice("in_invoice", partner=cls.supplier, invoice_date=fields.Date.today(),
                                    amounts=[100.0], company=cls.company)
        cls.product = cls.env["product.product"].create({"name": "Ventilateur AI", "is_storable": True,
                                                         "company_id": cls.company.id})
        # company B: the same kinds of records
        cls.lead_b = cls.env["crm.lead"].create({"name": "Lead B", "type": "opportunity",
                                                 "company_id": cls.company_b.id})
        cls.bill_b = cls.init_invoice("in_invoice", partner=cls.supplier.copy({"company_id": cls.company_b.id}),
                                      invoice_date=fields.Date.today(), amounts=[100.0], company=cls.company_b)
        # a lead scoring model that scores nothing (not enough history), to probe who may read or replace it
        cls.lead_model = cls.env["ai.trained.model"]._store("lead_scoring", "Lead scoring", {"w": [1.0]},
                                                            company=cls.company, state="insufficient")
        cls.forecast_model = cls.env["ai.trained.model"]._store("stock_forecast", "Forecasts", None,
                                                                company=cls.company)

    def call(self, role, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` over XML-RPC as ``role``: ("ok", result), ("access", text),
        ("user", text), or ("raw", traceback) for a server error that was not a clear refusal."""
        user = self.users[role]
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, f"{user.login}_pwd", {})
        self.assertEqual(uid, user.id)
        try:
            return OK, self.xmlrpc_object.execute_kw(db, uid, f"{user.login}_pwd", model, method, list(args), kwargs)
        except xmlrpc.client.Fault as fault:
            kind = {4: ACCESS, 2: USER}.get(fault.faultCode, "raw")
            return kind, fault.faultString

    def outcome(self, role, model, method, *args, **kwargs):
        return self.call(role, model, method, *args, **kwargs)[0]


@tagged("post_install", "-at_install", "crm_erp_bridge", "ai_rpc")
class TestRoleMethodMatrix(RpcCase):

    def assert_row(self, label, call, expected):
        got = {role: call(role) for role in ROLES}
        self.assertEqual(got, dict(zip(ROLES, expected)), label)

    def test_lead_methods(self):
        # salesman (own lead), sales manager, accountant, auditor, stock user, purchaser, portal, other company
        expected = (OK, OK, ACCESS, ACCESS, ACCESS, ACCESS, ACCESS, ACCESS)
        for method in ("ai_score_leads", "ai_explain", "ai_next_best_action"):
            self.assert_row(method, lambda role, m=method: self.outcome(role, "crm.lead", m, self.lead.ids), expected)
        self.assert_row("action_ai_rescore",
                        lambda role: self.outcome(role, "crm.lead", "action_ai_rescore", self.lead.ids), expected)

    def test_bill_methods(self):
        # only a user who may change the bill checks it (the findings are stored on it): the invoicing user and
        # the purchaser (Odoo lets purchase users enter vendor bills), not the auditor
        expected = (ACCESS, ACCESS, OK, ACCESS, ACCESS, OK, ACCESS, ACCESS)
        self.assert_row("ai_check_bills",
                        lambda role: self.outcome(role, "account.move", "ai_check_bills", self.bill.ids), expected)
        self.assert_row("action_ai_check",
                        lambda role: self.outcome(role, "account.move", "action_ai_check", self.bill.ids), expected)

    def test_bill_import(self):
        # importing creates bills: who may enter vendor bills, in a purchase journal of their own company (the
        # other company's manager imports into company B's journal); the file is refused by its content
        # (empty), so each allowed caller gets one refused entry back and nothing is created
        documents = [{"name": "vide.pdf", "datas": ""}]
        expected = (ACCESS, ACCESS, OK, ACCESS, ACCESS, OK, ACCESS, OK)
        self.assert_row("ai_import_bill_documents", lambda role: self.outcome(
            role, "account.move", "ai_import_bill_documents", documents), expected)
        kind, rows = self.call("accountant", "account.move", "ai_import_bill_documents", documents)
        self.assertEqual([row["error"] for row in rows], ["empty"])
        # company B's journal, asked by a user of company A: as if it did not exist
        journal_b = self.env["account.journal"].search([("company_id", "=", self.company_b.id),
                                                        ("type", "=", "purchase")], limit=1)
        self.assertEqual(self.outcome("accountant", "account.move", "ai_import_bill_documents", documents,
                                      journal_b.id), ACCESS)

    def test_customer_360(self):
        # sales and accounting users read the facts; the stock user and the portal user do not; the customer
        # belongs to company A, so the other company's user does not see it
        expected = (OK, OK, OK, OK, ACCESS, ACCESS, ACCESS, ACCESS)
        self.assert_row("ai_customer_360", lambda role: self.outcome(
            role, "res.partner", "ai_customer_360", self.customer.ids), expected)
        # refreshing stores new facts: the read-only auditor cannot
        self.assertEqual(self.outcome("auditor", "res.partner", "ai_customer_360", self.customer.ids,
                                      context={"refresh": True}), ACCESS)

    def test_forecast_methods(self):
        expected = (ACCESS, ACCESS, ACCESS, ACCESS, OK, OK, ACCESS, ACCESS)
        self.assert_row("ai_get_forecast", lambda role: self.outcome(
            role, "product.product", "ai_get_forecast", self.product.ids), expected)
        self.assert_row("ai_get_proposals", lambda role: self.outcome(
            role, "ai.stock.proposal", "ai_get_proposals", self.company.id),
            (ACCESS, ACCESS, ACCESS, ACCESS, OK, OK, ACCESS, ACCESS))
        # the other company's user gets their own company's proposals, not A's
        self.assertEqual(self.call("other_company", "ai.stock.proposal", "ai_get_proposals"), (OK, []))

    def test_trained_models(self):
        payload = base64.b64encode(b'{"w": [9]}').decode()
        # nobody replaces what a model learned from outside, not even its app's manager
        self.assert_row("write payload", lambda role: self.outcome(
            role, "ai.trained.model", "write", self.lead_model.ids, {"payload": payload}),
            (ACCESS,) * len(ROLES))
        self.assert_row("create", lambda role: self.outcome(
            role, "ai.trained.model", "create", {"kind": "lead_scoring", "name": "Fake", "payload": payload}),
            (ACCESS,) * len(ROLES))
        # each app's managers read their app's models: the sales manager the lead model, not the forecast one
        self.assert_row("read lead model", lambda role: self.outcome(
            role, "ai.trained.model", "read", self.lead_model.ids, ["name", "metrics"]),
            (ACCESS, OK, ACCESS, ACCESS, ACCESS, ACCESS, ACCESS, ACCESS))
        self.assertEqual(self.call("sales_manager", "ai.trained.model", "search", [("kind", "=", "stock_forecast")]),
                         (OK, []))
        self.assertEqual(self.outcome("sales_manager", "ai.trained.model", "write", self.lead_model.ids,
                                      {"name": "Scoring des pistes"}), OK)
        self.assertEqual(self.outcome("sales_manager", "ai.trained.model", "write", self.forecast_model.ids,
                                      {"name": "Renamed"}), ACCESS)
        self.assertEqual(self.lead_model._load_payload(), {"w": [1.0]})


@tagged("post_install", "-at_install", "crm_erp_bridge", "ai_rpc")
class TestRpcArguments(RpcCase):

    def test_bad_arguments_are_clear_refusals(self):
        for bad in (5, "abc", [[1]], ["1"], [-1], [0], [True], [1.5], {"id": 1}):
            kind, text = self.call("sales_manager", "crm.lead", "ai_score_leads", bad)
            self.assertEqual(kind, USER, (bad, text))
            self.assertLess(len(text), 300)
        kind, text = self.call("sales_manager", "crm.lead", "ai_score_leads", list(range(1, 10002)))
        self.assertEqual(kind, USER, text)
        self.assertIn("10", text)
        self.assertLess(len(text), 300)
        kind, text = self.call("sales_manager", "crm.lead", "ai_score_leads", ["x" * 5_000_000])
        self.assertEqual(kind, USER)
        self.assertLess(len(text), 300)
        for method, model, args in (("ai_check_bills", "account.move", ("abc",)),
                                    ("ai_get_forecast", "product.product", (["1"],)),
                                    ("ai_customer_360", "res.partner", (7,))):
            role = {"account.move": "accountant", "product.product": "stock_user"}.get(model, "sales_manager")
            kind, text = self.call(role, model, method, *args)
            self.assertEqual(kind, USER, (method, text))
        self.assertEqual(self.outcome("stock_user", "ai.stock.proposal", "ai_get_proposals", "1"), USER)
        self.assertEqual(self.outcome("stock_user", "ai.stock.proposal", "ai_get_proposals", -3), USER)

    def test_unknown_options_are_refused(self):
        kind, text = self.call("sales_manager", "crm.lead", "ai_score_leads", self.lead.ids, force=True)
        self.assertEqual(kind, USER, text)
        self.assertIn("force", text)
        kind, text = self.call("accountant", "account.move", "ai_check_bills", self.bill.ids, dry_run=True)
        self.assertEqual(kind, USER, text)

    def test_missing_and_hidden_ids_answer_the_same(self):
        """An id of another company and an id that does not exist give the same AccessError: ids cannot be
        enumerated."""
        missing = self.env["crm.lead"].search([], order="id desc", limit=1).id + 1000
        kind_b, text_b = self.call("sales_manager", "crm.lead", "ai_score_leads", self.lead_b.ids)
        kind_m, text_m = self.call("sales_manager", "crm.lead", "ai_score_leads", [missing])
        self.assertEqual((kind_b, kind_m), (ACCESS, ACCESS))
        self.assertEqual(text_b.replace(str(self.lead_b.id), "N"), text_m.replace(str(missing), "N"))
        missing_bill = self.env["account.move"].search([], order="id desc", limit=1).id + 1000
        kind_b, text_b = self.call("accountant", "account.move", "ai_check_bills", self.bill_b.ids)
        kind_m, text_m = self.call("accountant", "account.move", "ai_check_bills", [missing_bill])
        self.assertEqual((kind_b, kind_m), (ACCESS, ACCESS))
        self.assertEqual(text_b.replace(str(self.bill_b.id), "N"), text_m.replace(str(missing_bill), "N"))
        # a company that is not the caller's
        self.assertEqual(self.outcome("stock_user", "ai.stock.proposal", "ai_get_proposals", self.company_b.id),
                         ACCESS)

    def test_auditor_changes_nothing(self):
        """The accounting read-only group checks no bill: nothing stored changes."""
        self.bill._ai_check(safe=False)
        self.env.flush_all()
        before = (self.bill.ai_checked_on, self.bill.ai_finding_ids.ids)
        for method in ("ai_check_bills", "action_ai_check"):
            self.assertEqual(self.outcome("auditor", "account.move", method, self.bill.ids), ACCESS)
        self.bill.invalidate_recordset()
        self.assertEqual((self.bill.ai_checked_on, self.bill.ai_finding_ids.ids), before)

    def test_messages_in_the_callers_language(self):
        """Without a language in the call's context, the answer is in the calling user's language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.users["sales_manager"].lang = "fr_FR"
        self.env.flush_all()      # the XML-RPC request reads the user from the database
        kind, text = self.call("sales_manager", "crm.lead", "ai_score_leads", "abc")
        self.assertEqual(kind, USER)
        self.assertIn("identifiants", text)
