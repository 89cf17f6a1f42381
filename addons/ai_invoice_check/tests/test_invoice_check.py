from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.ai_invoice_check import checks

from .common import InvoiceCheckCase


@tagged("post_install", "-at_install", "ai_invoice_check")
class TestInvoiceCheck(InvoiceCheckCase):

    # -- when the check runs -------------------------------------------------------------------

    def test_history_is_clean(self):
        """The usual bills raise nothing to verify."""
        self.assertFalse([m for m in self.history[3:] if m.ai_to_verify])
        usual = self._bill(self.supplier, self.today, 1001.0, ref="NR-2500")
        self.assertEqual(usual.ai_check_state, "ok")
        self.assertFalse(usual.ai_to_verify)

    def test_amount_found_on_draft_save_and_shown_as_alert(self):
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2501")
        self.assertIn("amount", self.kinds(bill))
        finding = bill.ai_finding_ids.filtered(lambda f: f.kind == "amount")
        self.assertIn("higher than usual", finding.message)
        usual = sorted(self.history.mapped("amount_total"))[len(self.history) // 2]   # totals are VAT included
        self.assertAlmostEqual(finding.expected, usual, delta=usual * 0.03)
        self.assertTrue(bill.ai_to_verify)
        self.assertEqual(bill.ai_warning_count + bill.ai_high_count, len(bill.ai_finding_ids.filtered(
            lambda f: f.severity in ("warning", "high"))))
        self.assertTrue(set(finding.compared_ids) <= set(self.history.ids))
        alerts = bill.alerts
        self.assertTrue(any(finding.message == alert["message"] for alert in alerts.values()))
        # the same through the "To verify" filter
        self.assertIn(bill, self.env["account.move"].search([("ai_to_verify", "=", True)]))

    def test_line_change_rechecks(self):
        bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-2502")
        self.assertNotIn("amount", self.kinds(bill))
        bill.write({"invoice_line_ids": [(1, bill.invoice_line_ids.id, {"price_unit": 1600.0})]})
        self.assertIn("amount", self.kinds(bill))
        bill.write({"invoice_line_ids": [(1, bill.invoice_line_ids.id, {"price_unit": 1000.0})]})
        self.assertNotIn("amount", self.kinds(bill))

    def test_line_changed_from_code_is_checked_before_commit(self):
        bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-2503")
        bill.invoice_line_ids.write({"price_unit": 1700.0})
        self.env.cr.flush()  # what a commit does first: the bill is checked then
        self.assertIn("amount", self.kinds(bill))

    def test_each_save_checks_once(self):
        """Odoo writes a bill's lines again inside its own create and write: the check still runs once."""
        Move = type(self.env["account.move"])
        original = Move._ai_check_unsafe
        calls = []

        def counting(self_, *args, **kwargs):
            calls.append(self_.ids)
            return original(self_, *args, **kwargs)

        with patch.object(Move, "_ai_check_unsafe", counting):
            bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-2530")
            self.env.cr.flush()
            self.assertEqual(len(calls), 1)
            bill.write({"invoice_line_ids": [(1, bill.invoice_line_ids.id, {"price_unit": 1500.0})]})
            self.env.cr.flush()
            self.assertEqual(len(calls), 2)
            bill.invoice_line_ids.write({"price_unit": 1000.0})   # from code: checked once, before commit
            self.env.cr.flush()
            self.assertEqual(len(calls), 3)

    def test_post_from_code_checks_every_path(self):
        """A bill created without the check (an import) is still checked by action_post from code."""
        self.policy.write({"on_high": "warn", "on_warning": "warn"})
        bill = self._bill(self.supplier, self.today, 1550.0, ref="NR-2504",
                          env=self.env(context=dict(self.env.context, ai_invoice_check_skip=True)))
        self.assertEqual(bill.ai_check_state, "none")
        bill = bill.with_context(ai_invoice_check_skip=False)
        bill.action_post()   # the default policy only warns about amounts
        self.assertEqual(bill.state, "posted")
        self.assertIn("amount", self.kinds(bill))

    # -- each check ----------------------------------------------------------------------------

    def test_duplicate_with_reformatted_reference(self):
        original = self._bill(self.supplier, self.today - timedelta(days=4), 1003.0, ref="NR2417", post=True)
        copy = self._bill(self.supplier, self.today, 1003.0, ref="NR-2417")
        found = copy.ai_finding_ids.filtered(lambda f: f.kind == "duplicate")
        self.assertTrue(found)
        self.assertEqual(found.other_move_id, original)
        self.assertEqual(found.severity, "high")

    def test_tax_different_from_usual(self):
        bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-2505", tax=self.tax_10)
        found = bill.ai_finding_ids.filtered(lambda f: f.kind == "tax")
        self.assertTrue(found)
        self.assertEqual(found.line_id, bill.invoice_line_ids)
        self.assertIn("10 %", found.message)

    def test_bank_account_change_needs_a_second_person(self):
        new_bank = self.env["res.partner.bank"].create({"partner_id": self.supplier.id,
                                                        "acc_number": "IE29AIBK93115212345678"})
        bill = self._bill(self.supplier.with_user(self.manager), self.today, 1000.0, ref="NR-2506", bank=new_bank,
                          env=self.env(user=self.manager))
        found = bill.ai_finding_ids.filtered(lambda f: f.kind == "bank_account")
        self.assertEqual(found.severity, "high")
        self.assertTrue(found.needs_approval)
        self.assertEqual(bill.ai_approval_state, "pending")
        activity_type = self.env.ref("ai_invoice_check.mail_activity_type_ai_bill_approval")
        activity = bill.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertTrue(activity)
        self.assertNotEqual(activity.user_id, self.manager)   # not the person who entered the bill
        with self.assertRaises(UserError):
            bill.with_user(self.manager).action_post()
        with self.assertRaises(UserError):       # the person who entered it cannot approve it
            bill.with_user(self.manager).action_ai_approve()
        with self.assertRaises(AccessError):     # an accountant is not an accounting manager
            bill.with_user(self.accountant).action_ai_approve()
        with self.assertRaises(AccessError):     # nor can an accountant wave it through as "expected"
            found.with_user(self.accountant).action_mark_expected()
        bill.with_user(self.manager_2).action_ai_approve()
        self.assertEqual(bill.ai_approval_state, "approved")
        self.assertEqual(bill.ai_approved_by_id, self.manager_2)
        self.assertFalse(bill.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        bill.with_user(self.manager).action_post()
        self.assertEqual(bill.state, "posted")

    def test_approval_is_reset_by_a_new_finding(self):
        new_bank = self.env["res.partner.bank"].create({"partner_id": self.supplier.id,
                                                        "acc_number": "IE29AIBK93115212345678"})
        bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-2507", bank=new_bank,
                          env=self.env(user=self.manager))
        bill.with_user(self.manager_2).action_ai_approve()
        self.assertEqual(bill.ai_approval_state, "approved")
        self.policy.on_warning = "approval"
        bill.write({"invoice_line_ids": [(1, bill.invoice_line_ids.id, {"tax_ids": [(6, 0, self.tax_10.ids)]})]})
        self.assertEqual(bill.ai_approval_state, "pending")

    def test_price_and_quantity_against_purchase_order_and_receipt(self):
        product = self.env["product.product"].create({"name": "LED panel 60x60", "type": "consu",
                                                      "standard_price": 40.0})
        order = self.env["purchase.order"].create({
            "partner_id": self.supplier.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_qty": 10.0, "price_unit": 40.0})]})
        order.button_confirm()
        po_line = order.order_line
        if po_line.qty_received_method == "stock_moves":
            picking = order.picking_ids
            picking.move_ids.write({"quantity": 8.0, "picked": True})
            picking.with_context(cancel_backorder=True)._action_done()
        else:
            po_line.qty_received = 8.0
        self.assertEqual(po_line.qty_received, 8.0)
        bill = self._bill(self.supplier, self.today, 0.0, ref="NR-2508", lines=[(0, 0, {
            "product_id": product.id, "quantity": 10.0, "price_unit": 48.0, "purchase_line_id": po_line.id,
            "account_id": self.expense.id, "tax_ids": [(6, 0, self.tax_20.ids)]})])
        kinds = {f.kind: f for f in bill.ai_finding_ids}
        self.assertIn("line_price", kinds)
        self.assertIn("20%", kinds["line_price"].message)
        self.assertIn("line_quantity", kinds)
        self.assertEqual(kinds["line_quantity"].line_id, bill.invoice_line_ids)

    # -- policy and decisions ------------------------------------------------------------------

    def test_policy_block_and_warn(self):
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2509")
        self.assertIn(bill.ai_finding_ids.filtered(lambda f: f.kind == "amount").severity, ("warning", "high"))
        self.policy.write({"on_warning": "block", "on_high": "block"})
        with self.assertRaises(UserError):
            bill.action_post()
        self.policy.write({"on_warning": "warn", "on_high": "warn"})
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_policy_can_switch_checks_off(self):
        self.policy.check_amount = False
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2510")
        self.assertNotIn("amount", self.kinds(bill, ("info", "warning", "high")))

    def test_expected_records_a_decision_for_the_supplier(self):
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2511")
        finding = bill.ai_finding_ids.filtered(lambda f: f.kind == "amount")
        finding.with_user(self.accountant).action_mark_expected()
        self.assertNotIn("amount", self.kinds(bill))
        decision = self.env["ai.invoice.decision"].search([("partner_id", "=", self.supplier.id)])
        self.assertEqual(decision.kind, "amount")
        self.assertAlmostEqual(decision.data["level"], bill.amount_total)
        # revoking the decision brings the finding back
        decision.active = False
        bill.action_ai_check()
        self.assertIn("amount", self.kinds(bill))
        decision.active = True
        bill.action_ai_check()
        bill.action_post()
        # the new price level is not flagged again on the next bill
        following = self._bill(self.supplier, self.today, 1500.0, ref="NR-2512")
        self.assertNotIn("amount", self.kinds(following))

    # -- expense account proposals ------------------------------------------------------------

    def test_category_proposal_applied_by_click_and_automatically(self):
        cleaner = self.env["res.partner"].create({"name": "Clean & Co", "is_company": True})
        bank = self.env["res.partner.bank"].create({"partner_id": cleaner.id,
                                                    "acc_number": "DE89370400440532013000"})
        for index in range(12):
            self._bill(cleaner, self.today - timedelta(days=30 * (12 - index)), 300.0 + index,
                       ref=f"CC-{index}", account=self.other_expense, post=True, bank=bank)
        model = self.env["account.move"]._ai_train_category(self.company)
        self.assertEqual(model.state, "active")
        self.assertIn("top1_accuracy", model.metrics)
        # a new draft line on the journal's default account: confident proposal applied automatically
        journal_default = self.company_data["default_journal_purchase"].default_account_id or self.expense
        self.policy.write({"category_auto_apply": False})
        bill = self._bill(cleaner, self.today, 305.0, ref="CC-99", account=journal_default,
                          bank=bank)
        line = bill.invoice_line_ids
        self.assertEqual(line.ai_account_id, self.other_expense)
        self.assertGreater(line.ai_account_confidence, 0.5)
        self.assertNotEqual(journal_default, self.other_expense)
        self.assertTrue(line.ai_account_differs)
        line.action_ai_apply_account()
        self.assertEqual(line.account_id, self.other_expense)
        self.policy.write({"category_auto_apply": True, "category_threshold": 0.5})
        auto = self._bill(cleaner, self.today, 306.0, ref="CC-100", account=journal_default,
                          bank=bank)
        self.assertEqual(auto.invoice_line_ids.account_id, self.other_expense)
        self.assertTrue(auto.invoice_line_ids.ai_account_applied)

    # -- integrations, scheduled action, bad input ----------------------------------------------

    def test_rpc_method_returns_findings(self):
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2513")
        invoice = self.init_invoice("out_invoice", amounts=[100.0])
        result = self.env["account.move"].with_user(self.accountant).ai_check_bills([bill.id, invoice.id])
        by_id = {row["id"]: row for row in result}
        self.assertEqual(by_id[invoice.id]["state"], "not_a_bill")
        self.assertIn(by_id[bill.id]["state"], ("warning", "high"))
        amount = [f for f in by_id[bill.id]["findings"] if f["kind"] == "amount"]
        self.assertTrue(amount and "higher than usual" in amount[0]["message"])

    def test_cron_checks_drafts_and_survives_a_bad_bill(self):
        bills = self._bill(self.supplier, self.today, 1500.0, ref="NR-2514") | \
            self._bill(self.supplier, self.today, 1000.0, ref="NR-2515")
        bills.ai_finding_ids.unlink()
        bills.write({"ai_check_state": "none"})
        original = checks.check_bill

        def flaky(bill, history, policy=None):
            if bill.get("ref") == "NR-2515":
                raise ValueError("corrupt bill")
            return original(bill, history, policy)

        with patch.object(checks, "check_bill", flaky), mute_logger("odoo.addons.ai_base.batching"):
            stats = self.env["account.move"]._cron_ai_check_draft_bills()
        self.assertEqual(stats["failed"], 1)
        self.assertIn("amount", self.kinds(bills[0]))

    def test_bad_input_never_blocks_a_draft(self):
        Move = self.env["account.move"]
        no_partner = self._bill(None, self.today, 100.0)
        self.assertIn(no_partner.ai_check_state, ("ok", "info"))
        no_lines = self._bill(self.supplier, self.today, 0.0, ref="NR-2516", lines=[])
        self.assertNotEqual(no_lines.ai_check_state, "error")
        zero = self._bill(self.supplier, self.today, 0.0, ref="NR-2517")
        self.assertNotEqual(zero.ai_check_state, "error")
        refund = self._bill(self.supplier, self.today, 200.0, ref="NR-AV-1", move_type="in_refund")
        self.assertNotEqual(refund.ai_check_state, "error")
        code = "EUR" if self.company.currency_id.name != "EUR" else "USD"
        foreign_currency = self.setup_other_currency(code)
        foreign = self._bill(self.supplier, self.today, 1000.0, ref="NR-2518", currency_id=foreign_currency.id)
        self.assertIn("currency", self.kinds(foreign, ("info", "warning", "high")))
        no_date = self._bill(self.supplier, False, 1000.0, ref="NR-2519")
        self.assertNotEqual(no_date.ai_check_state, "error")
        # a failing check is recorded on the bill, the bill is saved
        with patch.object(checks, "check_bill", side_effect=RuntimeError("boom")), \
                mute_logger("odoo.addons.ai_invoice_check.models.account_move"):
            saved = self._bill(self.supplier, self.today, 1000.0, ref="NR-2520")
        self.assertTrue(Move.browse(saved.id).exists())
        self.assertEqual(saved.ai_check_state, "error")
        self.assertIn("boom", saved.ai_check_error)
        # a deleted history: the checks still run
        self.history.button_draft()
        self.history.with_context(force_delete=True).unlink()
        alone = self._bill(self.supplier, self.today, 1000.0, ref="NR-2521")
        self.assertNotEqual(alone.ai_check_state, "error")

    # -- rights ---------------------------------------------------------------------------------

    def test_access_rights(self):
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2522")
        finding = bill.ai_finding_ids[:1]
        self.assertTrue(finding.with_user(self.accountant).message)
        with self.assertRaises(AccessError):
            self.policy.with_user(self.accountant).write({"on_high": "warn"})
        self.policy.with_user(self.manager).write({"on_high": "block"})
        self.assertEqual(self.policy.on_high, "block")
        salesman = self.env["res.users"].create({
            "name": "No accounting", "login": "ai_no_accounting", "company_id": self.company.id,
            "company_ids": [(6, 0, self.company.ids)], "group_ids": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            finding.with_user(salesman).read(["message"])

    def test_one_companys_history_never_checks_the_others_bills(self):
        """The supplier is shared, its 14 bills of about 1,000 are company A's: in company B a bill of
        1,500 has no history to be unusual against, and no finding points at A's bills."""
        data = self.setup_other_company(name="Company B of the supplier")
        other = data["company"]
        tax_b = self.env["account.tax"].search([("company_id", "=", other.id), ("type_tax_use", "=", "purchase")],
                                               limit=1)
        bill_b = self._bill(self.supplier, self.today, 1500.0, ref="NR-2601", tax=tax_b,
                            account=data["default_account_expense"], company_id=other.id,
                            journal_id=data["default_journal_purchase"].id)
        bill_b._ai_check(safe=False)
        self.assertNotIn("amount", self.kinds(bill_b, ("info", "warning", "high")))
        compared = set()
        for finding in bill_b.ai_finding_ids:
            compared |= set(finding.compared_ids or []) | set(finding.other_move_id.ids)
        self.assertFalse(compared & set(self.history.ids))
        # the same bill in company A is unusual against A's history
        bill_a = self._bill(self.supplier, self.today, 1500.0, ref="NR-2602")
        self.assertIn("amount", self.kinds(bill_a))

    def test_multi_company_findings_stay_in_their_company(self):
        other = self.setup_other_company()["company"]
        bill = self._bill(self.supplier, self.today, 1500.0, ref="NR-2523")
        user = self.env["res.users"].create({
            "name": "Other accountant", "login": "ai_other_accountant", "company_id": other.id,
            "company_ids": [(6, 0, other.ids)],
            "group_ids": [(6, 0, [self.env.ref("account.group_account_manager").id])]})
        visible = self.env["ai.invoice.finding"].with_user(user).search([("move_id", "=", bill.id)])
        self.assertFalse(visible)
        self.assertNotEqual(self.env["ai.invoice.check.policy"]._for_company(other), self.policy)


@tagged("post_install", "-at_install")
class TestInvoiceCheckConcurrency(InvoiceCheckCase):

    def test_serialization_failure_is_not_stored_as_a_failed_check(self):
        """Another transaction changed the bill meanwhile: the safe check raises so that Odoo retries the
        request, and never marks the bill "Check failed"."""
        from psycopg2 import errors as pg_errors

        bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-CONC-1")
        bill._ai_check(safe=True)
        state = bill.ai_check_state
        self.assertNotEqual(state, "error")
        Move = type(self.env["account.move"])
        conflict = pg_errors.SerializationFailure("could not serialize access due to concurrent update")
        with patch.object(Move, "_ai_check_unsafe", side_effect=conflict), \
                self.assertRaises(pg_errors.SerializationFailure):
            bill._ai_check(safe=True)
        bill.invalidate_recordset()
        self.assertEqual(bill.ai_check_state, state)
        # an ordinary failure is still logged on the bill and never blocks it
        with patch.object(Move, "_ai_check_unsafe", side_effect=ValueError("broken")), \
                mute_logger("odoo.addons.ai_invoice_check.models.account_move"):
            bill._ai_check(safe=True)
        self.assertEqual(bill.ai_check_state, "error")

    def test_cron_checks_each_company_in_its_own_context(self):
        bill = self._bill(self.supplier, self.today, 1000.0, ref="NR-CONC-2")
        seen = []
        Move = type(self.env["account.move"])
        original = Move._ai_check

        def spy(moves, *args, **kwargs):
            seen.append((moves.env.company, moves.env.context.get("allowed_company_ids"), moves.company_id))
            return original(moves, *args, **kwargs)

        with patch.object(Move, "_ai_check", spy):
            stats = self.env["account.move"]._cron_ai_check_draft_bills()
        self.assertGreaterEqual(stats["processed"], 1)
        self.assertIn(bill.company_id, [company for company, _allowed, _moves in seen])
        for company, allowed, bill_companies in seen:
            self.assertEqual(allowed, company.ids)
            self.assertEqual(bill_companies, company)

    def test_a_check_that_finds_the_same_writes_nothing(self):
        """Two users (or a user and the scheduled action) checking the same bills at once must not
        conflict: a check that finds what is stored changes no row."""
        bill = self._bill(self.supplier, self.today, 1450.0, ref="NR-CONC-3")
        bill._ai_check(safe=False)
        self.env.flush_all()
        findings, checked_on = bill.ai_finding_ids.ids, bill.ai_checked_on
        self.assertTrue(findings)
        self.env.cr.execute("SELECT ctid::text FROM account_move WHERE id = %s", [bill.id])
        row_version = self.env.cr.fetchone()[0]
        bill._ai_check(safe=False)
        self.env.flush_all()
        self.env.cr.execute("SELECT ctid::text FROM account_move WHERE id = %s", [bill.id])
        self.assertEqual(self.env.cr.fetchone()[0], row_version, "the bill's row was written again")
        bill.invalidate_recordset()
        self.assertEqual((bill.ai_finding_ids.ids, bill.ai_checked_on), (findings, checked_on))
        # a different result is stored
        bill.invoice_line_ids[:1].price_unit = 1000.0
        bill._ai_check(safe=False)
        self.assertNotEqual(bill.ai_finding_ids.ids, findings)

    def test_finding_numbers_in_the_readers_language(self):
        """Amounts, percentages and dates of a finding are written the reader's way (French: decimal
        comma, a space before %), not the core's English "1,001.00" / "45%"."""
        bill = self._bill(self.supplier, self.today, 1450.0, ref="NR-FMT-1")
        bill._ai_check(safe=False)
        finding = bill.ai_finding_ids.filtered(lambda f: f.template_key.startswith("amount_up"))
        self.assertTrue(finding)
        self.assertEqual(finding.args["expected"]["kind"], "amount")
        self.env["res.lang"]._activate_lang("fr_FR")
        english = finding.with_context(lang="en_US").message
        french = finding.with_context(lang="fr_FR").message
        self.assertRegex(english, r"\d%")
        self.assertIn("\u202f%", french)
        self.assertRegex(french, r"\d,\d\d")
        self.assertNotRegex(french, r"\d,\d{3}")
        self.assertIn("d'habitude", french)
