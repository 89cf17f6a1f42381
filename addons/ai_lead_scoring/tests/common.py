import random
from datetime import datetime, timedelta

from odoo.tests import TransactionCase

SOURCE_RATES = {"Referral": 0.85, "Website": 0.45, "Cold call": 0.10}


class LeadScoringCase(TransactionCase):
    """A company history with a planted driver: the source decides most of the outcome."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company of its own: the model trains on the planted history only, whatever other closed leads
        # (demo data, other modules' tests) the database holds
        cls.company = cls.env["res.company"].create({"name": "AI scoring test company"})
        cls.env.user.company_ids = [(4, cls.company.id)]
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       ai_no_rescore=True, allowed_company_ids=[cls.company.id]))
        Lead = cls.env["crm.lead"]
        company_vals = {"company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)]}
        cls.sales_team = cls.env["crm.team"].create({"name": "AI test team", "company_id": cls.company.id})
        cls.salesman = cls.env["res.users"].create({
            "name": "Sam Seller", "login": "ai_sam_seller", "email": "sam@example.com", "tz": "Europe/Paris",
            "group_ids": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])], **company_vals})
        cls.other_salesman = cls.env["res.users"].create({
            "name": "Olga Other", "login": "ai_olga_other",
            "group_ids": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])], **company_vals})
        cls.sales_manager = cls.env["res.users"].create({
            "name": "Mia Manager", "login": "ai_mia_manager",
            "group_ids": [(6, 0, [cls.env.ref("sales_team.group_sale_manager").id])], **company_vals})
        cls.sources = {name: cls.env["utm.source"].create({"name": name}) for name in SOURCE_RATES}
        rng = random.Random(7)
        vals, outcomes = [], []
        for i in range(360):
            source = rng.choice(sorted(SOURCE_RATES))
            outcomes.append(rng.random() < SOURCE_RATES[source])
            vals.append({"name": f"History {i}", "type": "opportunity", "source_id": cls.sources[source].id,
                         "expected_revenue": round(rng.lognormvariate(8, 1), 2), "team_id": cls.sales_team.id,
                         "user_id": cls.salesman.id, "description": "Needs lighting " * rng.randrange(1, 5)})
        history = Lead.create(vals)
        won_ids = {lead_id for lead_id, won in zip(history.ids, outcomes) if won}
        won = history.filtered(lambda lead: lead.id in won_ids)
        won.action_set_won()
        (history - won).action_set_lost()
        # spread the closing dates over two years, in id order, so the split is time-ordered
        start = datetime(2024, 1, 1)
        cls.env.flush_all()
        for index, lead in enumerate(history):
            cls.env.cr.execute("UPDATE crm_lead SET date_closed = %s, create_date = %s WHERE id = %s",
                               [start + timedelta(days=index * 2), start + timedelta(days=index * 2 - 20), lead.id])
        cls.env.invalidate_all()
        cls.history = history

    def _open_lead(self, source, **vals):
        values = {"name": f"Open {source}", "type": "opportunity", "user_id": self.salesman.id,
                  "team_id": self.sales_team.id, "expected_revenue": 3000.0}
        if source:
            values["source_id"] = self.sources[source].id
        values.update(vals)
        return self.env["crm.lead"].create(values)
