from collections import defaultdict
from datetime import date, timedelta

import pytz
from odoo.addons.ai_suite_demo.demo import patterns
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "ai_suite_demo")
class TestDemoData(TransactionCase):
    """Check the history the install hook generated (at test scale: 0.1 under --test-enable)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        cls.anchor = date.fromisoformat(params.get_param("ai_suite_demo.anchor_date"))
        cls.scale = float(params.get_param("ai_suite_demo.scale"))
        cls.company = cls.env.ref("base.main_company")
        cls.Lead = cls.env["crm.lead"].with_context(active_test=False)
        cls.opportunities = cls.Lead.search([("type", "=", "opportunity"), ("company_id", "=", cls.company.id)])
        cls.closed = cls.opportunities.filtered(lambda lead: lead.won_status in ("won", "lost"))

    def _min_count(self, full_scale_count, share=0.5):
        """At least ``share`` of the count expected at this scale (and never less than 5)."""
        return max(5, int(full_scale_count * self.scale * share))

    # ------------------------------------------------------------------------------------------
    # Company and CRM

    def test_company_and_team(self):
        self.assertEqual(self.company.name, "Atelier Lumière SAS")
        self.assertEqual(self.company.country_id.code, "FR")
        self.assertEqual(self.company.currency_id.name, "EUR")
        self.assertTrue(self.env["res.lang"]._lang_get("fr_FR").active)
        users = self.env["res.users"].search([("login", "like", "%@atelier-lumiere.fr")])
        self.assertEqual(len(users), len(patterns.SALESPEOPLE))
        self.assertEqual(set(users.mapped("tz")), {"Europe/Paris"})
        self.assertTrue(all(user.has_group("sales_team.group_sale_salesman") for user in users))
        teams = self.env["crm.team"].search([("company_id", "=", self.company.id)])
        self.assertGreaterEqual(len(teams), 2)

    def test_opportunities_won_and_lost(self):
        won = self.closed.filtered(lambda lead: lead.won_status == "won")
        lost = self.closed.filtered(lambda lead: lead.won_status == "lost")
        self.assertGreaterEqual(len(won), self._min_count(600))
        self.assertGreaterEqual(len(lost), self._min_count(1000))
        self.assertTrue(0.25 < len(won) / len(self.closed) < 0.5, len(won) / len(self.closed))
        self.assertTrue(all(lead.stage_id.is_won and lead.probability == 100 for lead in won))
        self.assertTrue(all(not lead.active and lead.probability == 0 and lead.lost_reason_id for lead in lost))
        self.assertTrue(all(lead.date_closed and lead.date_closed.date() < self.anchor for lead in self.closed))
        open_leads = self.opportunities - self.closed
        self.assertGreaterEqual(len(open_leads), self._min_count(250))
        created = self.opportunities.mapped("create_date")
        self.assertGreater((max(created) - min(created)).days, 2 * 365)
        partners = self.opportunities.partner_id
        self.assertGreaterEqual(len(set(partners.mapped("country_id.code"))), 4)
        self.assertTrue(all(partner.tz and partner.email and partner.phone for partner in partners))

    def test_conversion_by_source(self):
        """Referral converts far better than cold calls; warm sources better than cold ones."""

        def rate(*sources):
            leads = self.closed.filtered(lambda lead: lead.source_id.name in sources)
            self.assertTrue(leads, sources)
            return len(leads.filtered(lambda lead: lead.won_status == "won")) / len(leads)

        self.assertGreater(rate("Referral"), rate("Cold call"))
        self.assertGreater(rate("Referral", "Website"), rate("LinkedIn", "Cold call") + 0.1)

    def test_exchanges(self):
        messages = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "in", self.opportunities.ids)]
        )
        incoming = messages.filtered(lambda m: m.message_type == "email")
        self.assertGreaterEqual(len(incoming), self._min_count(1500))
        leads = {lead.id: lead for lead in self.opportunities}
        self.assertTrue(all(m.author_id == leads[m.res_id].partner_id for m in incoming))
        self.assertGreaterEqual(len({m.date.hour for m in messages}), 8)
        calls = messages.filtered(lambda m: m.mail_activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertGreaterEqual(len(calls), self._min_count(3000))
        self.assertTrue(all(m.subtype_id == self.env.ref("mail.mt_activities") for m in calls))
        self.assertTrue(
            all(m.date.date() < self.anchor for m in messages.filtered(lambda m: m.message_type != "user_notification"))
        )
        # some open opportunities went quiet: their last exchange is 10 to 40 days old
        last = defaultdict(lambda: None)
        for message in messages.filtered(lambda m: m.message_type in ("email", "comment", "notification")):
            if not last[message.res_id] or message.date > last[message.res_id]:
                last[message.res_id] = message.date
        open_leads = self.opportunities - self.closed
        quiet = [lead for lead in open_leads if last[lead.id] and (self.anchor - last[lead.id].date()).days >= 10]
        self.assertGreaterEqual(len(quiet), 2)

    def test_call_timing_pattern(self):
        """Calls in the segment's best weekday and 2-hour slot (prospect's local time) reach far more often."""
        call_type = self.env.ref("mail.mail_activity_data_call")
        calls = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("mail_activity_type_id", "=", call_type.id)]
        )
        leads = {lead.id: lead for lead in self.opportunities}
        counts = {True: [0, 0], False: [0, 0]}
        for call in calls:
            lead = leads[call.res_id]
            local = pytz.utc.localize(call.date).astimezone(pytz.timezone(lead.partner_id.tz))
            day, hour = patterns.best_call_slot(lead.country_id.code, lead.source_id.name)
            best = local.weekday() == day and hour <= local.hour < hour + 2
            counts[best][0] += 1
            counts[best][1] += "reached" in call.body
        self.assertGreaterEqual(counts[True][0], 8)
        best_rate = counts[True][1] / counts[True][0]
        other_rate = counts[False][1] / counts[False][0]
        self.assertGreater(best_rate, other_rate + 0.2, counts)

    # ------------------------------------------------------------------------------------------
    # Sales and accounting

    def test_sales_and_customer_invoices(self):
        linked = self.env["sale.order"].search([("company_id", "=", self.company.id), ("opportunity_id", "!=", False)])
        orders = linked.filtered(lambda order: order.state == "sale")
        self.assertGreaterEqual(len(orders), self._min_count(600))
        self.assertTrue(all(order.opportunity_id.won_status == "won" for order in orders))
        # the other ones are the quotations of open opportunities (the pipeline layer of the forecast)
        quotations = linked - orders
        self.assertTrue(quotations)
        self.assertEqual(set(quotations.mapped("state")) - {"draft", "sent"}, set())
        self.assertTrue(all(order.opportunity_id.won_status == "pending" for order in quotations))
        invoices = self.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("company_id", "=", self.company.id)]
        )
        posted = invoices.filtered(lambda move: move.state == "posted")
        self.assertGreaterEqual(len(posted), self._min_count(1400))
        paid = posted.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
        self.assertGreater(len(paid) / len(posted), 0.7)
        overdue = posted.filtered(lambda move: move.payment_state == "not_paid" and move.invoice_date_due < self.anchor)
        self.assertTrue(overdue)
        payments = self.env["account.payment"].search([("partner_type", "=", "customer"), ("state", "!=", "draft")])
        self.assertGreaterEqual(len(payments), self._min_count(800))
        spread = posted.mapped("invoice_date")
        self.assertGreater((max(spread) - min(spread)).days, 2 * 365)

    def test_vendor_bills(self):
        bills = self.env["account.move"].search(
            [("move_type", "=", "in_invoice"), ("company_id", "=", self.company.id)]
        )
        posted = bills.filtered(lambda move: move.state == "posted")
        self.assertTrue(bills.filtered(lambda move: move.state == "draft"))
        by_supplier = defaultdict(lambda: self.env["account.move"])
        for bill in posted:
            by_supplier[bill.partner_id] |= bill
        self.assertGreaterEqual(len(by_supplier), 8)
        for spec in patterns.SERVICE_SUPPLIERS[:6]:
            supplier = self.env["res.partner"].search([("name", "=", spec["name"])])
            supplier_bills = by_supplier[supplier]
            self.assertGreaterEqual(len(supplier_bills), 10, spec["name"])
            accounts = supplier_bills.invoice_line_ids.account_id
            self.assertEqual(len(accounts), 1, spec["name"])
            self.assertTrue(supplier.bank_ids)
        # the planted duplicate: same supplier and amount, reference typed differently
        orange = self.env["res.partner"].search([("name", "=", "Orange Business")])
        duplicate = bills.filtered(lambda move: move.partner_id == orange and "-" in (move.ref or ""))
        self.assertEqual(len(duplicate), 1)
        original = bills.filtered(lambda move: move.partner_id == orange and move.ref == duplicate.ref.replace("-", ""))
        self.assertEqual(original.amount_total, duplicate.amount_total)
        # the bill paid to a brand-new bank account
        ovh = self.env["res.partner"].search([("name", "=", "OVHcloud")])
        self.assertEqual(len(ovh.bank_ids), 2)
        self.assertEqual(
            len(
                bills.filtered(
                    lambda move: move.partner_bank_id == ovh.bank_ids.filtered(lambda bank: not bank.allow_out_payment)
                )
            ),
            1,
        )

    # ------------------------------------------------------------------------------------------
    # Stock

    def test_stock_history(self):
        customers = self.env.ref("stock.stock_location_customers")
        moves = self.env["stock.move"].search([("state", "=", "done"), ("location_dest_id", "=", customers.id)])
        self.assertGreaterEqual(len(moves), 300)
        dates = moves.mapped("date")
        self.assertGreater((max(dates) - min(dates)).days, 2 * 365)
        receipts = self.env["stock.picking"].search([("picking_type_code", "=", "incoming"), ("state", "=", "done")])
        self.assertTrue(receipts.purchase_id)
        self.assertTrue(all(picking.date_done.date() < self.anchor for picking in receipts))
        quants = self.env["stock.quant"].search([("location_id.usage", "=", "internal")])
        self.assertGreaterEqual(min(quants.mapped("quantity")), 0)
        storable = self.env["product.product"].search([("is_storable", "=", True)])
        self.assertGreaterEqual(len(storable), 6)

    def test_seasonal_demand(self):
        """Heaters ship in winter, fans in summer."""
        customers = self.env.ref("stock.stock_location_customers")

        def shipped(code, months):
            moves = self.env["stock.move"].search(
                [
                    ("state", "=", "done"),
                    ("location_dest_id", "=", customers.id),
                    ("product_id.default_code", "=", code),
                ]
            )
            return sum(move.quantity for move in moves if move.date.month in months)

        winter, summer = (12, 1, 2), (6, 7, 8)
        self.assertGreater(shipped("RAD-OIL-2000", winter), 3 * shipped("RAD-OIL-2000", summer))
        self.assertGreater(shipped("FAN-ZEPHYR", summer), 3 * shipped("FAN-ZEPHYR", winter))

    def test_currently_low_product(self):
        product = self.env["product.product"].search([("default_code", "=", "SMART-PLUG")])
        self.assertTrue(product)
        self.assertGreater(product.qty_available, 0)
        lines = self.env["purchase.order.line"].search([("product_id", "=", product.id), ("state", "=", "purchase")])
        self.assertFalse(lines.filtered(lambda line: line.qty_received < line.product_qty))
        customers = self.env.ref("stock.stock_location_customers")
        recent = self.env["stock.move"].search(
            [
                ("state", "=", "done"),
                ("location_dest_id", "=", customers.id),
                ("product_id", "=", product.id),
                ("date", ">=", self.anchor - timedelta(days=28)),
            ]
        )
        self.assertLess(product.qty_available, sum(recent.mapped("quantity")))

    def test_temperature_is_reproducible(self):
        self.assertEqual(patterns.daily_temperature(date(2025, 7, 14)), patterns.daily_temperature(date(2025, 7, 14)))
        self.assertGreater(patterns.daily_temperature(date(2025, 7, 20)), patterns.daily_temperature(date(2025, 1, 20)))
