"""The salesperson's walk from the pipeline to the reasons of a score, in a real browser, in English and in
French."""
from odoo.tests import HttpCase, tagged

from odoo.addons.ai_base.tests.tours import TOUR_LANGS, TourMixin

from .common import LeadScoringCase


@tagged("post_install", "-at_install")
class TestTours(TourMixin, LeadScoringCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.lead"]._ai_train_company(cls.company)
        cls.tour_users = {lang: cls.tour_user(f"tour_seller_{lang.lower()}", "sales_team.group_sale_salesman", lang,
                                              company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
                          for lang in TOUR_LANGS}

    def _walk(self, lang):
        seller = self.tour_users[lang]
        lead = self._open_lead("Referral", name="Tour opportunity", user_id=seller.id).with_context(ai_no_rescore=False)
        lead._ai_rescore()
        self.assertTrue(lead.ai_scored_on)
        self.assertEqual(lead.ai_band, "A")
        self.assertIn("Referral", lead.ai_reasons_text)
        self.start_tour("/odoo", "ai_lead_scoring_salesperson_tour", login=seller.login)

    def test_salesperson_tour_en(self):
        self._walk("en_US")

    def test_salesperson_tour_fr(self):
        self._walk("fr_FR")
