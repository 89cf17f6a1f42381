from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LeadScoringCase


@tagged("post_install", "-at_install", "ai_lead_scoring")
class TestLeadScoring(LeadScoringCase):
    def _train(self):
        return self.env["crm.lead"]._ai_train_company(self.company)

    def test_training_stores_a_measured_model(self):
        models = self._train()
        company_model = models.filtered(lambda m: not m.scope)
        self.assertEqual(company_model.state, "active")
        metrics = company_model.metrics
        self.assertGreater(metrics["auc"], 0.75, metrics)
        self.assertLess(metrics["brier"], 0.2)
        closed = self.env["crm.lead"].with_context(active_test=False).search_count(
            [("company_id", "=", self.company.id), ("won_status", "in", ("won", "lost"))])
        self.assertEqual(metrics["n_won"] + metrics["n_lost"], closed)
        self.assertTrue(metrics["calibration"])
        self.assertIn("auc", company_model.metrics_summary)
        # a second training is a new version; the first is retired
        again = self._train().filtered(lambda m: not m.scope)
        self.assertEqual(again.version, company_model.version + 1)
        self.assertEqual(company_model.state, "archived")

    def test_scores_follow_the_learned_driver_with_reasons(self):
        self._train()
        referral = self._open_lead("Referral")
        cold = self._open_lead("Cold call")
        (referral | cold).with_context(ai_no_rescore=False)._ai_rescore()
        self.assertGreater(referral.ai_score, cold.ai_score + 30)
        self.assertEqual(referral.ai_band, {True: "A", False: "B"}[referral.ai_score >= 75])
        self.assertTrue(0 <= cold.ai_score <= 100)
        self.assertGreater(referral.ai_model_version, 0)
        labels = " ".join(r["label"] for r in referral.ai_reasons)
        self.assertIn("Referral", labels)
        top = max(referral.ai_reasons, key=lambda r: abs(r["points"]))
        self.assertIn("Referral", top["label"])
        self.assertGreater(top["points"], 0)
        self.assertIn("+", referral.ai_reasons_text)
        self.assertLess(min(r["points"] for r in cold.ai_reasons), 0)

    def test_reasons_in_the_readers_language(self):
        """The reasons are worded when read, in the reader's language and number format, whatever the
        language the model was trained in."""
        self._train()
        lead = self._open_lead("Referral", expected_revenue=12345.5)
        lead._ai_rescore()
        self.env["res.lang"]._activate_lang("fr_FR")
        english = lead.with_context(lang="en_US").ai_reasons_text
        french = lead.with_context(lang="fr_FR").ai_reasons_text
        self.assertIn("Source: Referral", english)
        self.assertIn("Source : Referral", french)
        self.assertNotIn("Source: Referral", french)
        # the RPC answer too (the caller's language)
        [explained] = self.env["crm.lead"].with_context(lang="fr_FR").ai_explain(lead.ids)
        self.assertTrue(all(" : " in r["label"] for r in explained["reasons"]), explained["reasons"])
        # a reason stored before reasons carried their feature keeps its words
        lead.ai_reasons = [{"label": "Old reason", "points": 4.0}]
        self.assertIn("Old reason +4", lead.with_context(lang="fr_FR").ai_reasons_text)

    def test_change_rescores_at_once_with_a_trend(self):
        self._train()
        lead = self._open_lead("Cold call").with_context(ai_no_rescore=False)
        lead._ai_rescore()
        before = lead.ai_score
        lead.write({"source_id": self.sources["Referral"].id})
        self.assertGreater(lead.ai_score, before)
        self.assertEqual(lead.ai_score_previous, before)
        self.assertEqual(lead.ai_trend, "up")

    def test_write_probability_option(self):
        self._train()
        self.env["ir.config_parameter"].sudo().set_param("ai_lead_scoring.write_probability", "1")
        lead = self._open_lead("Referral")
        lead._ai_rescore()
        self.assertAlmostEqual(lead.probability, lead.ai_probability, places=1)

    def test_not_enough_history_keeps_odoo_probability(self):
        company = self.env["res.company"].create({"name": "Young company"})
        models = self.env["crm.lead"].with_company(company)._ai_train_company(company)
        self.assertEqual(models.state, "insufficient")
        self.assertIn("Not enough closed history", models.note)
        lead = self.env["crm.lead"].with_company(company).create({"name": "First lead", "company_id": company.id,
                                                                  "team_id": False, "user_id": False,
                                                                  "probability": 37})
        lead._ai_rescore()
        self.assertEqual(lead.ai_model_version, 0)
        self.assertEqual(lead.ai_score, round(lead.probability))
        self.assertIn("Odoo's own probability", lead.ai_reasons_text)

    def test_one_companys_history_never_scores_another(self):
        """Company A's trained model and closed leads never train or score company B's leads."""
        self._train()
        other = self.env["res.company"].create({"name": "Other company, no history"})
        models = self.env["crm.lead"].with_company(other)._ai_train_company(other)
        self.assertEqual(models.state, "insufficient")
        self.assertEqual(models.n_samples, 0)
        lead_b = self.env["crm.lead"].with_company(other).create({
            "name": "Referral lead of B", "company_id": other.id, "team_id": False, "user_id": False,
            "source_id": self.sources["Referral"].id, "probability": 20})
        lead_a = self._open_lead("Referral")
        (lead_a | lead_b)._ai_rescore()
        self.assertGreater(lead_a.ai_model_version, 0)
        self.assertEqual(lead_b.ai_model_version, 0)
        self.assertEqual(lead_b.ai_score, 20)

    def test_odd_leads_are_scored(self):
        self._train()
        odd = self.env["crm.lead"].create([
            {"name": "No partner, no source, nothing"},
            {"name": "Negative revenue", "expected_revenue": -500.0, "description": "<p>Html <b>need</b></p>"},
            {"name": "Huge", "expected_revenue": 1e12, "email_from": "not-an-email", "phone": "???"},
            {"name": "Unseen source", "source_id": self.env["utm.source"].create({"name": "Brand new"}).id},
        ])
        odd._ai_rescore()
        for lead in odd:
            self.assertTrue(lead.ai_scored_on, lead.name)
            self.assertTrue(0 <= lead.ai_score <= 100, lead.name)

    def test_cron_skips_a_failing_lead_and_counts_it(self):
        self._train()
        good = self._open_lead("Website")
        bad = self._open_lead("Website", name="Explodes")
        original = type(self.env["crm.lead"])._ai_scoring_inputs

        def flaky(records):
            if bad in records:
                raise ValueError("corrupt lead")
            return original(records)

        with patch.object(type(self.env["crm.lead"]), "_ai_scoring_inputs", flaky):
            stats = self.env["crm.lead"]._cron_ai_rescore_leads()
        self.assertEqual(stats["failed"], 1)
        self.assertIn(bad.id, stats["errors"])
        self.assertTrue(good.ai_scored_on)
        self.assertFalse(bad.ai_scored_on)

    def test_crons_are_declared_and_run(self):
        for xmlid in ("ai_lead_scoring.ir_cron_ai_retrain_lead_models", "ai_lead_scoring.ir_cron_ai_rescore_leads",
                      "ai_lead_scoring.ir_cron_ai_followup"):
            self.assertTrue(self.env.ref(xmlid).active, xmlid)
        lead = self._open_lead("Referral")
        rescore = self.env.ref("ai_lead_scoring.ir_cron_ai_rescore_leads")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", rescore.id)])
        self.env["crm.lead"]._cron_ai_retrain_models()
        # retraining hands the rescoring over to the rescoring job (never two jobs writing the same leads)
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", rescore.id)]), triggers)
        self.env["crm.lead"]._cron_ai_rescore_leads()
        self.assertTrue(lead.ai_scored_on)
        self.assertGreater(lead.ai_model_version, 0)

    def test_retrain_button_on_the_model_page(self):
        model = self._train().filtered(lambda m: not m.scope)
        model.action_retrain()
        latest = self.env["ai.trained.model"]._get_active("lead_scoring")
        self.assertGreater(latest.version, model.version)

    def test_access_rights(self):
        self._train()
        mine = self._open_lead("Website")
        theirs = self._open_lead("Website", user_id=self.other_salesman.id)
        Lead = self.env["crm.lead"].with_user(self.salesman)
        self.assertEqual(Lead.ai_explain([mine.id])[0]["id"], mine.id)
        with self.assertRaises(AccessError):
            Lead.ai_explain([theirs.id])
        with self.assertRaises(AccessError):
            Lead.ai_score_leads([theirs.id])
        with self.assertRaises(AccessError):
            self.env["ai.trained.model"].with_user(self.salesman).search([]).read(["metrics"])
        models = self.env["ai.trained.model"].with_user(self.sales_manager).search([("kind", "=", "lead_scoring")])
        self.assertTrue(models.read(["metrics"]))

    def test_rpc_methods(self):
        self._train()
        lead = self._open_lead("Referral")
        [scored] = self.env["crm.lead"].with_user(self.salesman).ai_score_leads([lead.id])
        self.assertEqual(set(scored), {"id", "score", "probability", "band", "trend", "previous_score", "reasons",
                                       "model_version"})
        self.assertEqual(scored["band"], lead.ai_band)
        [action] = self.env["crm.lead"].with_user(self.salesman).ai_next_best_action([lead.id])
        self.assertIn(action["channel"], ("email", "phone", "linkedin"))
        self.assertTrue(action["draft"]["body"])
        with self.assertRaises(AccessError):
            self.env["crm.lead"].ai_explain([999999999])
