from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.ai_stock_forecast.tests.common import StockForecastCase
from odoo.addons.queue_job.tests.common import trap_jobs

CHANNEL = "root.ai_stock_forecast"


@tagged("post_install", "-at_install", "ai_stock_forecast_queue")
class TestForecastQueue(StockForecastCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("ai_stock_forecast_queue.enabled", "True")
        icp.set_param("ai_stock_forecast_queue.job_size", "1")
        cls.Forecast = cls.env["ai.stock.forecast"]
        cls.pairs = [(cls.fan.id, cls.warehouse.id), (cls.lamp.id, cls.warehouse.id)]
        cls.day = fields.Date.to_string(cls.today)

    def only_test_pairs(self):
        """The run covers this test's two products only (the database may hold demo products)."""
        Forecast = type(self.Forecast)
        original = Forecast._ai_forecast_pairs
        mine = set(self.pairs)

        def pairs(self_, company, today):
            return [p for p in original(self_, company, today) if tuple(p) in mine]
        return patch.object(Forecast, "_ai_forecast_pairs", pairs)

    def test_cron_enqueues_one_job_per_slice_then_the_summary(self):
        with self.only_test_pairs(), trap_jobs() as trap:
            self.Forecast.with_context(allowed_company_ids=self.company.ids)._ai_enqueue_forecast(self.company)
            trap.assert_jobs_count(2, only=self.Forecast._ai_forecast_job)
            trap.assert_jobs_count(1, only=self.Forecast._ai_forecast_summary_job)
            for pair in self.pairs:
                trap.assert_enqueued_job(self.Forecast._ai_forecast_job,
                                         args=(self.company.id, [list(pair)], self.day, 1),
                                         properties={"channel": CHANNEL})
            self.assertFalse(self.forecast_of(self.fan))
            trap.perform_enqueued_jobs()
        self.assertEqual(self.forecast_of(self.fan).state, "ok")
        self.assertEqual(self.forecast_of(self.lamp).state, "ok")
        page = self.env["ai.trained.model"].search([("kind", "=", "stock_forecast"),
                                                    ("company_id", "=", self.company.id)], limit=1)
        self.assertTrue(page)
        self.assertGreaterEqual(page.n_samples, 2)

    def test_scheduled_action_enqueues_and_can_be_switched_off(self):
        with self.only_test_pairs(), trap_jobs() as trap:
            self.Forecast._cron_ai_forecast()
            trap.assert_jobs_count(2, only=self.Forecast._ai_forecast_job)
        self.assertFalse(self.forecast_of(self.fan))
        # switched off in Settings (and still off when the settings are opened again): the scheduled
        # action forecasts in its own process again
        self.assertTrue(self.env["res.config.settings"].create({}).ai_stock_queue_enabled)
        self.env["res.config.settings"].create({"ai_stock_queue_enabled": False}).execute()
        self.assertFalse(self.env["res.config.settings"].create({}).ai_stock_queue_enabled)
        with self.only_test_pairs(), trap_jobs() as trap:
            self.Forecast._cron_ai_forecast()
            trap.assert_jobs_count(0)
        self.assertEqual(self.forecast_of(self.fan).state, "ok")

    def test_job_forecasts_its_slice_and_survives_a_bad_product(self):
        with self.failing_product(self.fan):
            result = self.Forecast._ai_forecast_job(self.company.id, [list(p) for p in self.pairs], self.day)
        self.assertIn("1 forecasts, 1 failed", result)
        self.assertEqual(self.forecast_of(self.fan).state, "error")
        self.assertEqual(self.forecast_of(self.lamp).state, "ok")
        # a company deleted meanwhile: the job ends with a message, not an error
        self.assertIn("no longer exists", self.Forecast._ai_forecast_job(10 ** 9, [list(self.pairs[0])], self.day))
        self.assertIn("no longer exists", self.Forecast._ai_forecast_summary_job(10 ** 9, self.day))

    def test_a_waiting_run_is_not_enqueued_twice(self):
        Job = self.env["queue.job"].sudo()
        before = Job.search_count([("model_name", "=", "ai.stock.forecast")])
        with self.only_test_pairs():
            self.assertEqual(self.Forecast._ai_enqueue_forecast(self.company), 2)
            self.Forecast._ai_enqueue_forecast(self.company)
        jobs = Job.search([("model_name", "=", "ai.stock.forecast")], order="id desc", limit=10)
        self.assertEqual(Job.search_count([("model_name", "=", "ai.stock.forecast")]) - before, 3)
        self.assertEqual(set(jobs[:3].mapped("channel")), {CHANNEL})
        summary = jobs.filtered(lambda j: j.method_name == "_ai_forecast_summary_job")
        self.assertEqual(summary.state, "wait_dependencies")
        parts = jobs[:3] - summary
        self.assertEqual(summary.dependency_ids, parts)
        # the parts run (here: called as the runner would), then the summary counts what they did
        for part in parts:
            self.Forecast._ai_forecast_job(*part.args)
        start = fields.Datetime.now()
        parts[0].write({"date_started": start, "date_done": start + timedelta(seconds=3)})
        parts[1].write({"date_started": start + timedelta(seconds=1), "date_done": start + timedelta(seconds=5)})
        result = self.Forecast.with_context(job_uuid=summary.uuid)._ai_forecast_summary_job(*summary.args)
        self.assertEqual(result, "2 forecasts, 0 failed, %s proposals, 5.0 s" % self.env["ai.stock.proposal"].search_count(
            [("company_id", "=", self.company.id), ("state", "=", "proposed")]))

    def test_rights_inventory_managers_follow_forecast_jobs_only(self):
        with self.only_test_pairs():
            self.Forecast._ai_enqueue_forecast(self.company)
        self.env["res.partner"].with_delay().exists()
        Job = self.env["queue.job"]
        seen = Job.with_user(self.stock_manager).search([])
        self.assertTrue(seen)
        self.assertEqual(set(seen.mapped("model_name")), {"ai.stock.forecast"})
        with self.assertRaises(AccessError):
            Job.with_user(self.stock_manager).browse(seen[0].id).write({"priority": 1})
        with self.assertRaises(AccessError):
            Job.with_user(self.stock_user).search([])
        # the job queue's managers still see every job
        admin = self.env.ref("base.user_admin")
        self.assertIn("res.partner", Job.with_user(admin).search([]).mapped("model_name"))

    def test_settings_button_enqueues_now(self):
        settings = self.env["res.config.settings"].create({"ai_stock_queue_job_size": 5})
        with self.only_test_pairs(), trap_jobs() as trap:
            action = settings.action_ai_enqueue_forecast()
            trap.assert_jobs_count(1, only=self.Forecast._ai_forecast_job)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("ai_stock_forecast_queue.job_size"), "5")
