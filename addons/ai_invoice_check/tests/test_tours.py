"""The accountant's walk through a flagged vendor bill, in a real browser, in English and in French."""
from odoo.tests import HttpCase, tagged

from odoo.addons.ai_base.tests.tours import TOUR_LANGS, TourMixin

from .common import InvoiceCheckCase


@tagged("post_install", "-at_install")
class TestTours(TourMixin, InvoiceCheckCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_users = {lang: cls.tour_user(f"tour_accountant_{lang.lower()}", "account.group_account_invoice", lang,
                                              company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
                          for lang in TOUR_LANGS}

    def _flagged_draft(self):
        """A new bill about 40% above the supplier's steady ~1,000: an amount finding to verify, which an
        accountant (not only a manager) may accept as expected."""
        bill = self._bill(self.supplier, self.today, 1400.0, ref="NR-TOUR")
        finding = bill.ai_finding_ids.filtered(lambda f: f.template_key == "amount_up")
        self.assertEqual(finding.severity, "warning")
        self.assertEqual(bill.ai_check_state, "warning")
        self.assertEqual(self.env["account.move"].search_count([
            ("move_type", "=", "in_invoice"), ("state", "=", "draft"), ("company_id", "=", self.company.id)]), 1)
        return bill, finding

    def _walk(self, lang):
        bill, _finding = self._flagged_draft()
        self.start_tour("/odoo", "ai_invoice_check_accountant_tour", login=self.tour_users[lang].login)
        bill.invalidate_recordset()
        self.assertNotIn("amount", self.kinds(bill))
        decision = self.env["ai.invoice.decision"].search([("partner_id", "=", self.supplier.id)])
        self.assertEqual(decision.kind, "amount")

    def test_accountant_tour_en(self):
        self._walk("en_US")

    def test_accountant_tour_fr(self):
        self._walk("fr_FR")
