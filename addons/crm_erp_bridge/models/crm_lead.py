import math

from odoo import _, api, fields, models
from odoo.tools import format_amount

from odoo.addons.ai_base.models.res_config_settings import param_enabled
from odoo.addons.ai_lead_scoring.scoring import FeatureSpec

from . import bridge_sql
from .res_partner import READERS

ERP_CATEGORICAL = ["erp_customer", "erp_revenue_band", "erp_payment"]
ERP_NUMERIC = ["erp_revenue_12m", "erp_days_to_pay", "erp_late_share", "erp_overdue", "erp_orders_12m",
               "erp_days_since_last_order", "erp_days_between_orders"]
ERP_FEATURES = ERP_CATEGORICAL + ERP_NUMERIC
LEAD_FEATURES_PARAM = "crm_erp_bridge.lead_features"
PIPELINE_PARAM = "crm_erp_bridge.pipeline_demand"
PIPELINE_DEFAULT_DAYS_PARAM = "crm_erp_bridge.pipeline_default_days"
# a change of one of these changes the customer's open pipeline
PIPELINE_FIELDS = {"partner_id", "stage_id", "active", "expected_revenue", "probability", "type", "company_id",
                   "won_status"}
LEAD_FACT_FIELDS = {
    "ai_customer_revenue_12m": "revenue_12m", "ai_customer_overdue": "receivable_overdue",
    "ai_customer_overdue_count": "overdue_count", "ai_customer_max_days_overdue": "max_days_overdue",
    "ai_customer_late_payer": "is_late_payer", "ai_customer_top": "is_top_customer",
    "ai_customer_new": "is_new_customer", "ai_customer_order_count": "order_count",
    "ai_customer_avg_days_to_pay": "avg_days_to_pay", "ai_customer_main_products": "main_products",
}


def erp_feature_labels(env):
    _ = env._  # noqa: F811 - the translation function, named so that the .pot export finds the labels
    return {
        "erp_customer": _("Already a customer (ERP)"), "erp_revenue_band": _("Revenue band, 12 months"),
        "erp_payment": _("Payment behaviour"), "erp_revenue_12m": _("Revenue invoiced, 12 months"),
        "erp_days_to_pay": _("Average days to pay"), "erp_late_share": _("Invoices paid late (%)"),
        "erp_overdue": _("Overdue amount"), "erp_orders_12m": _("Orders, 12 months"),
        "erp_days_since_last_order": _("Days since last order"),
        "erp_days_between_orders": _("Days between orders"),
    }


class CrmLead(models.Model):
    _inherit = "crm.lead"

    ai_customer_has_facts = fields.Boolean("Customer has 360 facts", compute="_compute_ai_customer",
                                           groups=READERS, compute_sudo=True)
    ai_customer_revenue_12m = fields.Monetary("Customer revenue, 12 months", compute="_compute_ai_customer",
                                              currency_field="company_currency", groups=READERS, compute_sudo=True)
    ai_customer_overdue = fields.Monetary("Customer overdue receivables", compute="_compute_ai_customer",
                                          currency_field="company_currency", groups=READERS, compute_sudo=True,
                                          search="_search_ai_customer_overdue")
    ai_customer_overdue_count = fields.Integer("Customer overdue invoices", compute="_compute_ai_customer",
                                               groups=READERS, compute_sudo=True)
    ai_customer_max_days_overdue = fields.Integer("Customer oldest overdue (days)", compute="_compute_ai_customer",
                                                  groups=READERS, compute_sudo=True)
    ai_customer_avg_days_to_pay = fields.Float("Customer average days to pay", compute="_compute_ai_customer",
                                               groups=READERS, digits=(16, 1), compute_sudo=True)
    ai_customer_order_count = fields.Integer("Customer orders", compute="_compute_ai_customer", groups=READERS,
                                             compute_sudo=True)
    ai_customer_main_products = fields.Char("Customer main products", compute="_compute_ai_customer",
                                            groups=READERS, compute_sudo=True)
    ai_customer_late_payer = fields.Boolean("Late payer", compute="_compute_ai_customer", groups=READERS,
                                            compute_sudo=True, search="_search_ai_customer_late_payer")
    ai_customer_top = fields.Boolean("Top 10% customer", compute="_compute_ai_customer", groups=READERS,
                                     compute_sudo=True, search="_search_ai_customer_top")
    ai_customer_new = fields.Boolean("New customer", compute="_compute_ai_customer", groups=READERS,
                                     compute_sudo=True, search="_search_ai_customer_new")
    ai_customer_risk = fields.Char("Customer payment risk", compute="_compute_ai_customer", groups=READERS,
                                   compute_sudo=True)

    # ------------------------------------------------------------------------------------------
    # Customer facts on the lead (the lead's company, the prospect's commercial partner)

    @api.depends("partner_id", "company_id")
    @api.depends_context("company")
    def _compute_ai_customer(self):
        Fact = self.env["ai.customer.fact"].sudo()
        keys = {lead.id: (lead.partner_id.commercial_partner_id.id, (lead.company_id or self.env.company).id)
                for lead in self}
        partner_ids = {p for p, _c in keys.values() if p}
        facts = {}
        if partner_ids:
            for fact in Fact.search_fetch([("partner_id", "in", list(partner_ids)),
                                           ("company_id", "in", list({c for _p, c in keys.values()}))],
                                          list(LEAD_FACT_FIELDS.values()) + ["partner_id", "company_id"]):
                facts[(fact.partner_id.id, fact.company_id.id)] = fact
        for lead in self:
            fact = facts.get(keys[lead.id])
            for name, source in LEAD_FACT_FIELDS.items():
                lead[name] = fact[source] if fact else False
            lead.ai_customer_has_facts = bool(fact)
            lead.ai_customer_risk = lead._ai_risk_message(fact) if fact and fact.receivable_overdue > 0 else False

    def _ai_risk_message(self, fact):
        company = self.company_id or self.env.company
        return _("%(customer)s has %(count)s overdue invoice(s) for %(amount)s (the oldest %(days)s days late). "
                 "Check with accounting before a new quotation.",
                 customer=fact.partner_id.display_name, count=fact.overdue_count,
                 amount=format_amount(self.env, fact.receivable_overdue, company.currency_id),
                 days=fact.max_days_overdue)

    def _ai_search_customer(self, domain):
        facts = self.env["ai.customer.fact"].sudo().search_fetch(
            domain + [("company_id", "in", self.env.companies.ids)], ["partner_id"])
        return [("partner_id.commercial_partner_id", "in", facts.partner_id.ids)]

    def _ai_search_customer_flag(self, field, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        domain = self._ai_search_customer([(field, "=", True)])
        return domain if (operator == "=") == bool(value) else ["!"] + domain

    def _search_ai_customer_late_payer(self, operator, value):
        return self._ai_search_customer_flag("is_late_payer", operator, value)

    def _search_ai_customer_top(self, operator, value):
        return self._ai_search_customer_flag("is_top_customer", operator, value)

    def _search_ai_customer_new(self, operator, value):
        return self._ai_search_customer_flag("is_new_customer", operator, value)

    def _search_ai_customer_overdue(self, operator, value):
        if operator not in (">", ">=", "<", "<=", "=", "!="):
            return NotImplemented
        return self._ai_search_customer([("receivable_overdue", operator, value)])

    def action_ai_view_customer_360(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id.action_ai_view_360()

    def action_ai_view_customer_overdue(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id.with_company(
            self.company_id or self.env.company).action_ai_view_overdue_invoices()

    # ------------------------------------------------------------------------------------------
    # The customer's open pipeline changes with its opportunities

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("partner_id").partner_id._ai_mark_360_dirty()
        return leads

    def write(self, vals):
        touched = PIPELINE_FIELDS.intersection(vals)
        before = self.partner_id if touched else None
        result = super().write(vals)
        if touched:
            (before | self.partner_id)._ai_mark_360_dirty()
        return result

    # ------------------------------------------------------------------------------------------
    # ERP facts feed the lead score

    @api.model
    def _ai_erp_features_enabled(self):
        if "ai_erp_features" in self.env.context:
            return bool(self.env.context["ai_erp_features"])
        return param_enabled(self.env, LEAD_FEATURES_PARAM)

    def _ai_feature_labels(self):
        return {**super()._ai_feature_labels(), **erp_feature_labels(self.env)}

    def _ai_feature_spec(self):
        spec = super()._ai_feature_spec()
        if not self._ai_erp_features_enabled():
            return spec
        return FeatureSpec(categorical=list(spec.categorical) + ERP_CATEGORICAL,
                           numeric=list(spec.numeric) + ERP_NUMERIC, multi=list(spec.multi), text=list(spec.text),
                           labels={**(spec.labels or {}), **erp_feature_labels(self.env)})

    @api.model
    def _ai_read_features(self, lead_ids):
        """Adds the ERP facts of each lead's customer, as they stood at the lead's reference date (its
        creation for a closed lead, now for an open one); levels are words so they read well in reasons."""
        frame = super()._ai_read_features(lead_ids)
        facts = bridge_sql.read_lead_erp_facts(self.env, list(lead_ids)) if lead_ids else {}
        columns = {name: [] for name in ERP_FEATURES}
        for lead_id in frame.index:
            f = facts.get(int(lead_id))
            if f is None:  # no customer on the lead: every ERP fact is missing
                for name in ERP_FEATURES:
                    columns[name].append(None)
                continue
            known = bool(f["n_invoices"] or f["n_orders"])
            revenue = f["revenue_12m"] or 0.0
            late_share = f["late_share"]
            columns["erp_customer"].append("yes" if known else "no")
            columns["erp_revenue_band"].append(bridge_sql.revenue_band(revenue))
            columns["erp_payment"].append(bridge_sql.payment_behaviour(f["paid_count"], late_share, f["overdue"]))
            columns["erp_revenue_12m"].append(round(revenue, 2))
            columns["erp_days_to_pay"].append(_num(f["days_to_pay"]))
            columns["erp_late_share"].append(round(late_share * 100, 1) if late_share is not None else None)
            columns["erp_overdue"].append(round(f["overdue"] or 0.0, 2))
            columns["erp_orders_12m"].append(f["orders_12m"] or 0.0)
            columns["erp_days_since_last_order"].append(_num(f["days_since_last_order"]))
            columns["erp_days_between_orders"].append(_num(f["days_between_orders"]))
        for name, values in columns.items():
            frame[name] = values
        return frame

    # ------------------------------------------------------------------------------------------
    # The pipeline feeds the demand forecast

    @api.model
    def _ai_pipeline_demand_enabled(self):
        """Setting "Pipeline feeds the demand forecast" (on unless switched off)."""
        return param_enabled(self.env, PIPELINE_PARAM)

    @api.model
    def _ai_pipeline_demand(self, company, date_from, date_to, ignore_setting=False):
        """Known future demand from the sales pipeline, for the demand forecast.

        Every product line of an open quotation (draft or sent ``sale.order``) linked to an open
        opportunity (``opportunity_id``) of ``company``, in the product's unit, placed at the
        opportunity's expected closing date (``date_deadline``; else the quotation's commitment date,
        else its validity date, else today + ``crm_erp_bridge.pipeline_default_days`` (30); a date in the
        past is moved to today) and weighted by the opportunity's AI probability (``ai_probability``
        once scored, else Odoo's ``probability``). Consumables that are not stored are left out.
        One SQL query.

        :param company: res.company record (or id)
        :param date_from: first date (date or "YYYY-MM-DD"), inclusive
        :param date_to: last date, inclusive
        :param ignore_setting: return rows even when the setting is off
        :return: list of dicts: product_id, warehouse_id, date (datetime.date), qty (weighted),
            qty_unweighted, probability (0-100), lead_id, order_id; [] when the setting is off
        """
        if not ignore_setting and not self._ai_pipeline_demand_enabled():
            return []
        company_id = company if isinstance(company, int) else company.id
        default_days = int(self.env["ir.config_parameter"].sudo().get_param(PIPELINE_DEFAULT_DAYS_PARAM, 30) or 30)
        self.env.flush_all()
        rows = bridge_sql.read_pipeline_demand(
            self.env, company_id, fields.Date.to_date(date_from), fields.Date.to_date(date_to),
            fields.Date.context_today(self), default_days=default_days)
        for row in rows:
            for key in ("qty", "qty_unweighted", "probability"):
                row[key] = float(row[key] or 0.0)
        return rows


def _num(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 1)
