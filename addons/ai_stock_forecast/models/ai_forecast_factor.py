from odoo import api, fields, models


class AiForecastFactor(models.Model):
    """An external factor the demand of some products depends on (temperature, a machine down...).

    Its daily values, past and future, are entered or imported from CSV (list view of the values:
    Import records, columns ``date,value``); the forecast of the products it is attached to (directly
    or through their category) uses it as a regressor.
    """

    _name = "ai.forecast.factor"
    _description = "External factor of demand forecasts"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical name of the regressor, e.g. temperature")
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    product_ids = fields.Many2many("product.product", string="Products")
    categ_ids = fields.Many2many("product.category", string="Product categories",
                                 help="Every product of these categories (and their sub-categories)")
    value_ids = fields.One2many("ai.forecast.factor.value", "factor_id", "Values")
    value_count = fields.Integer(compute="_compute_value_stats")
    first_date = fields.Date(compute="_compute_value_stats")
    last_date = fields.Date(compute="_compute_value_stats", help="Future values up to this date are known")
    active = fields.Boolean(default=True)

    _code_company_unique = models.Constraint("UNIQUE(code, company_id)", "A factor code is used once per company.")

    def _compute_value_stats(self):
        groups = {factor.id: (count, first, last) for factor, count, first, last in
                  self.env["ai.forecast.factor.value"]._read_group(
                      [("factor_id", "in", self.ids)], ["factor_id"], ["__count", "date:min", "date:max"])}
        for factor in self:
            count, first, last = groups.get(factor.id, (0, False, False))
            factor.value_count, factor.first_date, factor.last_date = count, first, last

    def _applies_to(self, product):
        self.ensure_one()
        if product in self.product_ids:
            return True
        categ = product.categ_id
        return bool(categ) and any(categ.parent_path.startswith(c.parent_path) for c in self.categ_ids if c.parent_path)

    @api.model
    def _factors_by_product(self, products, company):
        factors = self.search([("company_id", "=", company.id)])
        return {product.id: factors.filtered(lambda f, p=product: f._applies_to(p)) for product in products}

    def action_open_values(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "ai.forecast.factor.value",
            "view_mode": "list,graph",
            "domain": [("factor_id", "=", self.id)],
            "context": {"default_factor_id": self.id},
        }


class AiForecastFactorValue(models.Model):
    _name = "ai.forecast.factor.value"
    _description = "Daily value of an external factor"
    _order = "factor_id, date"

    factor_id = fields.Many2one("ai.forecast.factor", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="factor_id.company_id", store=True, index=True)
    date = fields.Date(required=True)
    value = fields.Float(required=True, digits=(16, 4))

    _factor_date_unique = models.Constraint("UNIQUE(factor_id, date)", "A factor has one value per day.")
