from datetime import datetime, timedelta

import pytz

from odoo.tests import tagged

from .common import LeadScoringCase


@tagged("post_install", "-at_install", "ai_lead_scoring")
class TestEngagement(LeadScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect = cls.env["res.partner"].create({"name": "Brasserie Dupont", "tz": "Europe/Paris",
                                                      "email": "claire@dupont.example", "is_company": True})
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")
        cls.note = cls.env.ref("mail.mt_note")

    def _log(self, lead, when_local, outgoing, body, activity_type=None, message_type=None):
        """A message on the lead at a local (Paris) time; a done activity is a notification, as Odoo logs it."""
        message_type = message_type or ("notification" if activity_type else "comment")
        utc = pytz.timezone("Europe/Paris").localize(when_local).astimezone(pytz.utc).replace(tzinfo=None)
        return self.env["mail.message"].create({
            "model": "crm.lead", "res_id": lead.id, "body": body, "message_type": message_type, "date": utc,
            "author_id": (self.salesman.partner_id if outgoing else self.prospect).id,
            "mail_activity_type_id": activity_type.id if activity_type else False,
            "subtype_id": self.note.id})

    def test_best_time_and_channel_from_calls(self):
        lead = self._open_lead("Website", partner_id=self.prospect.id)
        monday = datetime(2025, 3, 3)
        for week in range(8):
            base = monday + timedelta(weeks=week)
            # reached on Tuesdays around 9:30, never on Thursdays afternoon
            self._log(lead, base + timedelta(days=1, hours=9, minutes=30), True, "Call \u2014 reached, 10 min",
                      self.call_type)
            self._log(lead, base + timedelta(days=3, hours=15), True, "Call \u2014 no answer", self.call_type)
            # emails are never answered
            self._log(lead, base + timedelta(days=2, hours=11), True, "Proposal attached", message_type="email")
            # tracking notifications are not exchanges
            self._log(lead, base + timedelta(days=4, hours=11), True, "Stage changed", message_type="notification")
        lead._ai_refresh_engagement()
        self.assertEqual(lead.ai_best_weekday, "1")
        self.assertEqual((lead.ai_best_hour_start, lead.ai_best_hour_end), (8, 10))
        self.assertEqual(lead.ai_best_time_evidence, 8)
        self.assertEqual(lead.ai_best_channel, "phone")
        self.assertIn("Tuesday 8\u201310 (their time)", lead.ai_best_time)
        self.assertEqual(lead.ai_followup_kind, "call_script")

    def test_draft_in_french_and_english(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        fr = self._open_lead("Referral", partner_id=self.prospect.id, contact_name="Claire Dupont",
                             lang_id=self.env.ref("base.lang_fr").id,
                             description="Nous voulons un éclairage chaleureux pour 40 tables.")
        en = self._open_lead("Referral", partner_id=self.prospect.id, contact_name="Claire Dupont",
                             lang_id=self.env.ref("base.lang_en").id,
                             description="We want warm lighting for 40 tables.")
        (fr | en)._ai_refresh_engagement()
        self.assertEqual(fr.ai_followup_kind, "email")
        self.assertTrue(fr.ai_followup_draft.startswith("Bonjour Claire Dupont,"), fr.ai_followup_draft)
        self.assertIn("éclairage chaleureux pour 40 tables", fr.ai_followup_draft)
        self.assertTrue(en.ai_followup_draft.startswith("Hello Claire Dupont,"), en.ai_followup_draft)
        self.assertIn("Sam Seller", en.ai_followup_draft)

    def test_follow_up_opens_the_composer_or_logs_the_script(self):
        lead = self._open_lead("Website", partner_id=self.prospect.id)
        lead._ai_refresh_engagement()
        action = lead.action_ai_followup()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_subject"], lead.ai_followup_subject)
        lead.sudo().write({"ai_followup_kind": "call_script"})
        before = len(lead.message_ids)
        lead.action_ai_followup()
        self.assertEqual(len(lead.message_ids), before + 1)

    def _quiet_lead(self, days):
        lead = self._open_lead("Website", partner_id=self.prospect.id, email_from="claire@dupont.example")
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET create_date = now() - make_interval(days => %s) WHERE id = %s",
                            [days, lead.id])
        lead.invalidate_recordset()
        return lead

    def test_quiet_prospect_gets_a_planned_follow_up_once(self):
        quiet = self._quiet_lead(20)
        fresh = self._quiet_lead(2)
        self.env["crm.lead"]._cron_ai_followup()
        self.assertEqual(len(quiet.activity_ids), 1)
        activity = quiet.activity_ids
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("Bonjour" if quiet.lang_id.code == "fr_FR" else "Hello", str(activity.note))
        self.assertFalse(fresh.activity_ids)
        self.env["crm.lead"]._cron_ai_followup()  # nothing planned twice
        self.assertEqual(len(quiet.activity_ids), 1)

    def test_quiet_days_per_team_and_auto_send(self):
        self.sales_team.ai_quiet_days = 30
        quiet = self._quiet_lead(20)
        self.env["crm.lead"]._cron_ai_followup()
        self.assertFalse(quiet.activity_ids, "20 days is not quiet for a 30-day team")
        self.sales_team.ai_quiet_days = 10
        self.env["ir.config_parameter"].sudo().set_param("ai_lead_scoring.auto_send_email", "1")
        before = len(quiet.message_ids)
        self.env["crm.lead"]._cron_ai_followup()
        self.assertEqual(len(quiet.activity_ids), 1)
        if quiet.ai_followup_kind == "email":
            self.assertEqual(len(quiet.message_ids), before + 1)


@tagged("post_install", "-at_install", "ai_lead_scoring")
class TestLanguageModelRewrite(LeadScoringCase):
    """The optional OpenAI-compatible rewrite, against a real HTTP server on loopback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        received = cls.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers["Content-Length"])
                received.append((self.path, json.loads(self.rfile.read(length))))
                body = json.dumps({"choices": [{"message": {"content": "Rewritten: warm and brief."}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        cls.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        cls.addClassCleanup(cls.server.server_close)

    def test_rewrite_used_when_configured_and_offline_draft_otherwise(self):
        lead = self._open_lead("Website", contact_name="Claire")
        lead._ai_refresh_engagement()
        lead.sudo().ai_followup_kind = "email"
        offline = lead.action_ai_followup()["context"]["default_body"]
        self.assertIn("Claire", offline)
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("ai_lead_scoring.llm_endpoint", "http://127.0.0.1:%d/v1" % self.server.server_port)
        icp.set_param("ai_lead_scoring.llm_model", "local-test")
        rewritten = lead.action_ai_followup()["context"]["default_body"]
        self.assertEqual(rewritten, "Rewritten: warm and brief.")
        path, request = self.received[-1]
        self.assertEqual(path, "/v1/chat/completions")
        self.assertEqual(request["model"], "local-test")
        self.assertIn("Claire", request["messages"][1]["content"])
        # an endpoint that does not answer keeps the offline draft
        icp.set_param("ai_lead_scoring.llm_endpoint", "http://127.0.0.1:9/v1")
        self.assertEqual(lead.action_ai_followup()["context"]["default_body"], offline)
