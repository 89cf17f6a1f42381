from datetime import timedelta

import pandas as pd

from odoo.tests import tagged

from ..models.crm_lead import ERP_CATEGORICAL, ERP_NUMERIC
from .common import BridgeCase


@tagged("post_install", "-at_install", "crm_erp_bridge")
class TestLeadScoringFeatures(BridgeCase):

    def test_spec_has_erp_features_with_labels(self):
        spec = self.env["crm.lead"]._ai_feature_spec()
        for name in ERP_CATEGORICAL:
            self.assertIn(name, spec.categorical)
        for name in ERP_NUMERIC:
            self.assertIn(name, spec.numeric)
        self.assertEqual(spec.label("erp_payment"), "Payment behaviour")
        self.assertIn("source", spec.categorical)  # ai_lead_scoring's own features are kept
        off = self.env["crm.lead"].with_context(ai_erp_features=False)._ai_feature_spec()
        self.assertNotIn("erp_customer", off.categorical)

    def test_frame_as_of_now_for_open_leads(self):
        prospect = self.env["crm.lead"].create({"name": "No customer", "type": "opportunity"})
        frame = self.env["crm.lead"]._ai_read_features((self.lead_odoo | prospect).ids)
        row = frame.loc[self.lead_odoo.id]
        self.assertEqual(row["erp_customer"], "yes")
        self.assertAlmostEqual(row["erp_revenue_12m"], 2800.0)
        self.assertEqual(row["erp_revenue_band"], "under 10k")
        self.assertEqual(row["erp_payment"], "has overdue invoices")
        self.assertAlmostEqual(row["erp_days_to_pay"], 35.0)
        self.assertAlmostEqual(row["erp_late_share"], 50.0)
        self.assertAlmostEqual(row["erp_overdue"], 2000.0)  # invoice 3, total (no tax)
        self.assertEqual(row["erp_orders_12m"], 2.0)
        self.assertAlmostEqual(row["erp_days_since_last_order"], 40.0, delta=1.0)
        self.assertAlmostEqual(row["erp_days_between_orders"], 60.0, delta=0.1)
        empty = frame.loc[prospect.id]
        self.assertIsNone(empty["erp_customer"])
        self.assertTrue(pd.isna(empty["erp_revenue_12m"]))

    def test_closed_lead_sees_only_the_past(self):
        lost = self.env["crm.lead"].create({"name": "Old deal", "type": "opportunity", "partner_id": self.alpha.id,
                                            "company_id": self.company.id})
        lost.action_set_lost()
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s",
                            [self.today - timedelta(days=200), lost.id])
        lost.invalidate_recordset()
        row = self.env["crm.lead"]._ai_read_features(lost.ids).loc[lost.id]
        # 200 days ago only invoice 2 (T-400, paid T-370, on time) existed; no order yet
        self.assertEqual(row["erp_customer"], "yes")
        self.assertAlmostEqual(row["erp_revenue_12m"], 500.0)  # invoice 1 (T-100) is in its future
        self.assertEqual(row["erp_revenue_band"], "under 10k")
        self.assertEqual(row["erp_payment"], "on time")
        self.assertAlmostEqual(row["erp_days_to_pay"], 30.0)
        self.assertAlmostEqual(row["erp_overdue"], 0.0)
        self.assertEqual(row["erp_orders_12m"], 0.0)
        self.assertTrue(pd.isna(row["erp_days_since_last_order"]))

    def test_training_uses_the_erp_features(self):
        Lead = self.env["crm.lead"]
        customers = self.env["res.partner"].create([{"name": f"Customer {i}", "is_company": True} for i in range(30)])
        for i, partner in enumerate(customers):
            self._invoice(partner, self.today - timedelta(days=60 + i), self.today - timedelta(days=30 + i),
                          self.p1, 1000.0 + 100 * i)
        prospects = self.env["res.partner"].create([{"name": f"Prospect {i}", "is_company": True} for i in range(30)])
        vals = []
        for i in range(60):
            # customers mostly win, prospects mostly lose: the ERP facts carry the signal
            partner = customers[i % 30] if i % 2 == 0 else prospects[i % 30]
            vals.append({"name": f"Deal {i}", "type": "opportunity", "partner_id": partner.id,
                         "company_id": self.company.id, "expected_revenue": 1000.0})
        leads = Lead.create(vals)
        won = leads.filtered(lambda l: (l.partner_id in customers) != (int(l.name.split()[1]) % 10 == 0))
        won.action_set_won()
        (leads - won).action_set_lost()
        models = Lead._ai_train_company(self.company, min_per_class=10)
        model = models.filtered(lambda m: not m.scope)
        self.assertEqual(model.state, "active")
        payload = model._load_payload()
        names = {f["name"] for f in payload["features"]}
        self.assertTrue({"erp_customer", "erp_revenue_12m", "erp_payment"} <= names)
        erp = {f["name"]: f["importance"] for f in payload["features"] if f["name"].startswith("erp_")}
        self.assertGreater(max(erp.values()), 0.0)
        # the reasons of a score name the ERP facts in words
        scores = (self.lead_odoo | self.lead_ai)._ai_compute_scores()
        labels = " ".join(r["label"] for s in scores.values() for r in s["reasons"])
        self.assertTrue(any(label in labels for label in ("Already a customer (ERP)", "Revenue", "Payment behaviour",
                                                           "Average days to pay", "Overdue amount")), labels)
