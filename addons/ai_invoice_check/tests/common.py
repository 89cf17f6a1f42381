from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class InvoiceCheckCase(AccountTestInvoicingCommon):
    """A supplier with 14 monthly bills of about 1,000 (20% VAT) on one expense account, paid to one
    bank account, and a goods supplier with a purchase history of one product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.company_data["company"]
        cls.today = fields.Date.context_today(cls.env["account.move"])
        cls.expense = cls.company_data["default_account_expense"]
        cls.other_expense = cls.expense.copy({"code": "612345", "name": "Cleaning services"})
        cls.tax_20 = cls.tax_purchase_a
        cls.tax_10 = cls.tax_20.copy({"name": "Purchase 10%", "amount": 10.0})
        cls.supplier = cls.env["res.partner"].create({"name": "Nettoyage Rapide SARL", "is_company": True})
        cls.bank = cls.env["res.partner.bank"].create({"partner_id": cls.supplier.id,
                                                      "acc_number": "FR7630006000011234567890189"})
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE res_partner_bank SET create_date = %s WHERE id = %s",
                           [cls.today - timedelta(days=800), cls.bank.id])
        amounts = [1000.0, 1012.0, 995.0, 1003.0, 990.0, 1008.0, 1001.0, 997.0, 1010.0, 1005.0, 999.0, 1004.0,
                   996.0, 1002.0]
        cls.history = cls.env["account.move"].browse()
        for index, amount in enumerate(amounts):
            day = cls.today - timedelta(days=30 * (len(amounts) - index) + 5)
            cls.history |= cls._bill(cls.supplier, day, amount, ref=f"NR-{2400 + index}", post=True)
        cls.accountant = new_test_user(cls.env, login="ai_accountant", groups="account.group_account_invoice",
                                       company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.manager = new_test_user(cls.env, login="ai_acc_manager", groups="account.group_account_manager",
                                    company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.manager_2 = new_test_user(cls.env, login="ai_acc_manager_2", groups="account.group_account_manager",
                                      company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.policy = cls.env["ai.invoice.check.policy"]._for_company(cls.company)

    @classmethod
    def _bill(cls, partner, day, amount, ref=None, post=False, tax=None, account=None, bank=None, env=None,
              lines=None, **vals):
        env = env or cls.env
        values = {
            "move_type": "in_invoice",
            "partner_id": partner.id if partner else False,
            "invoice_date": day,
            "ref": ref,
            "invoice_date_due": day and day + timedelta(days=30),
            "partner_bank_id": (bank or cls.bank).id if partner else False,
            "invoice_line_ids": lines
            if lines is not None
            else [
                (
                    0,
                    0,
                    {
                        "name": "Office cleaning",
                        "quantity": 1.0,
                        "price_unit": amount,
                        "account_id": (account or cls.expense).id,
                        "tax_ids": [(6, 0, (tax or cls.tax_20).ids)],
                    },
                )
            ],
        }
        values.update(vals)
        move = env["account.move"].create(values)
        if post:
            move.action_post()
        return move

    def kinds(self, move, severities=("warning", "high")):
        return {f.kind for f in move.ai_finding_ids if f.severity in severities}
