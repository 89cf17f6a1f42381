from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class BridgeCase(AccountTestInvoicingCommon):
    """A small fixture whose 360 figures are computed by hand in the tests.

    Customer "Alpha" (with a contact "Alice"), today = T:
      invoice 1  T-100, due T-70, 1,000 (product P1), paid T-60  -> 40 days to pay, 10 days late
      invoice 2  T-400, due T-370, 500 (P1), paid T-370          -> 30 days to pay, on time
      invoice 3  T-50,  due T-20, 2,000 (P2), unpaid             -> overdue 2,000 for 20 days
      credit note T-30, 200 (P1), not reconciled
      orders (confirmed) T-100 and T-40; opportunities 10,000 at 30 % (Odoo) and 4,000 at AI 50 %
    Customer "Beta": invoice T-10, due T+20, 5,000 (P2), unpaid -> a new customer, not overdue.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.company_data["company"]
        # the test user (an accountant) also sells
        cls.env.user.write({"group_ids": [Command.link(cls.env.ref("sales_team.group_sale_manager").id)]})
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.revenue_account = cls.company_data["default_account_revenue"]
        cls.p1 = cls.env["product.product"].create({"name": "Fan P1", "type": "consu", "is_storable": True,
                                                    "list_price": 100.0})
        cls.p2 = cls.env["product.product"].create({"name": "Lamp P2", "type": "consu", "is_storable": True,
                                                    "list_price": 50.0})
        cls.service = cls.env["product.product"].create({"name": "Install day", "type": "service"})
        cls.alpha = cls.env["res.partner"].create({"name": "Alpha SA", "is_company": True})
        cls.alice = cls.env["res.partner"].create({"name": "Alice", "parent_id": cls.alpha.id})
        cls.beta = cls.env["res.partner"].create({"name": "Beta SARL", "is_company": True})
        T = cls.today
        day = timedelta(days=1)
        cls.inv1 = cls._invoice(cls.alice, T - 100 * day, T - 70 * day, cls.p1, 1000.0)
        cls.inv2 = cls._invoice(cls.alpha, T - 400 * day, T - 370 * day, cls.p1, 500.0)
        cls.inv3 = cls._invoice(cls.alpha, T - 50 * day, T - 20 * day, cls.p2, 2000.0)
        cls.refund = cls._invoice(cls.alpha, T - 30 * day, T - 30 * day, cls.p1, 200.0, move_type="out_refund")
        cls.inv_beta = cls._invoice(cls.beta, T - 10 * day, T + 20 * day, cls.p2, 5000.0)
        cls._pay(cls.inv1, T - 60 * day)
        cls._pay(cls.inv2, T - 370 * day)
        cls.orders = cls._order(cls.alpha, T - 100 * day) | cls._order(cls.alice, T - 40 * day)
        cls.lead_odoo = cls.env["crm.lead"].create({"name": "Alpha extension", "type": "opportunity",
                                                    "partner_id": cls.alpha.id, "expected_revenue": 10000.0,
                                                    "probability": 30.0, "company_id": cls.company.id})
        cls.lead_ai = cls.env["crm.lead"].create({"name": "Alpha new site", "type": "opportunity",
                                                  "partner_id": cls.alice.id, "expected_revenue": 4000.0,
                                                  "probability": 10.0, "company_id": cls.company.id})
        cls.lead_ai.write({"ai_probability": 50.0, "ai_scored_on": fields.Datetime.now(), "ai_model_version": 1})
        cls.salesman = new_test_user(cls.env, login="bridge_salesman", groups="sales_team.group_sale_salesman",
                                     company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.accountant = new_test_user(cls.env, login="bridge_accountant",
                                       groups="account.group_account_invoice,sales_team.group_sale_salesman",
                                       company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.env["res.partner"]._cron_ai_refresh_360(commit=False)

    @classmethod
    def _invoice(cls, partner, invoice_date, due, product, amount, move_type="out_invoice", company=None,
                 post=True):
        env = cls.env if company is None else cls.env(context=dict(cls.env.context,
                                                                   allowed_company_ids=company.ids))
        move = env["account.move"].create({
            "move_type": move_type, "partner_id": partner.id, "invoice_date": invoice_date, "date": invoice_date,
            "invoice_payment_term_id": False, "invoice_date_due": due,
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1.0, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        })
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, day):
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"payment_date": day})._create_payments()

    @classmethod
    def _order(cls, partner, day, product=None, qty=2.0, state="sale", opportunity=None):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id, "company_id": cls.company.id,
            "opportunity_id": opportunity.id if opportunity else False,
            "order_line": [Command.create({"product_id": (product or cls.p1).id, "product_uom_qty": qty})],
        })
        if state == "sale":
            order.action_confirm()
        order.write({"date_order": fields.Datetime.to_datetime(day)})
        return order

    def fact(self, partner, company=None):
        return self.env["ai.customer.fact"].search([("partner_id", "=", partner.id),
                                                    ("company_id", "=", (company or self.company).id)])
