from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ai_base import rpc

from .. import forecast as core
from . import demand_data


class AiStockProposal(models.Model):
    """A purchase to place before the projected stock falls under its safety stock."""

    _name = "ai.stock.proposal"
    _description = "Purchase proposal from the demand forecast"
    _order = "order_by, stockout_date, id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True)
    forecast_id = fields.Many2one("ai.stock.forecast", readonly=True, ondelete="set null")
    supplier_id = fields.Many2one("res.partner", readonly=True)
    supplierinfo_id = fields.Many2one("product.supplierinfo", readonly=True, ondelete="set null")
    state = fields.Selection([("proposed", "Proposed"), ("rfq", "RFQ created"), ("cancel", "Dismissed")],
                             default="proposed", required=True, readonly=True, index=True)
    on_hand = fields.Float(digits="Product Unit", readonly=True)
    safety_stock = fields.Float(digits="Product Unit", readonly=True)
    stockout_date = fields.Date("Stock-out on", readonly=True,
                                help="First day the projected stock falls under the safety stock")
    runout_date = fields.Date("Empty on", readonly=True, help="First day the projected stock is below zero")
    order_by = fields.Date("Order by", readonly=True, help="Last day to order for the delivery to arrive in time")
    arrival_date = fields.Date("Expected arrival", readonly=True)
    late = fields.Boolean("Already late", readonly=True,
                          help="Even ordered today, the delivery arrives after the stock-out")
    lead_time = fields.Integer("Lead time (days)", readonly=True)
    qty = fields.Float("Quantity", digits="Product Unit", readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    service_level = fields.Float(digits=(3, 3), readonly=True)
    reason = fields.Text(readonly=True)
    purchase_order_id = fields.Many2one("purchase.order", "Request for quotation", readonly=True)
    computed_on = fields.Datetime(readonly=True)

    # ------------------------------------------------------------------------------------------

    @api.model
    def _ai_update_proposals(self, company, stored, on_hand, today, settings):
        """Recompute the open proposals of the forecast products; return how many propose an order."""
        if not stored:
            return 0
        env = self.env
        pairs = list(stored)
        incoming, outgoing = demand_data.read_confirmed_moves(env, pairs, today)
        open_props = self.search([("state", "=", "proposed"),
                                  ("product_id", "in", sorted({p for p, _w in pairs}))])
        existing = {(p.product_id.id, p.warehouse_id.id): p for p in open_props}
        purchase_lead = getattr(company, "days_to_purchase", 0.0) or 0.0
        count = 0
        to_create, stale = [], self.browse()
        # one recordset for the batch: products, sellers and categories are read together
        products = {p.id: p for p in env["product.product"].browse(sorted({p for p, _w in pairs})).with_company(company)}
        # counted units are ordered whole; measured ones (kg, m, l) to the unit's precision
        counted = env.ref("uom.product_uom_unit", raise_if_not_found=False) | \
            env.ref("uom.product_uom_dozen", raise_if_not_found=False)
        sellers = {pair: _seller(products[pair[0]], company) for pair in stored}
        services = self._ai_service_levels(company, {pair: (products[pair[0]], sellers[pair], data["forecast"])
                                                     for pair, data in stored.items()}, settings)
        for pair, data in stored.items():
            product = products[pair[0]]
            seller = sellers[pair]
            supplier_lead = seller.delay if seller else 0
            min_qty, multiple = _supplier_quantities(product, seller)
            service = services[pair]
            whole = product.uom_id in counted
            result = core.propose_purchase(
                on_hand.get(pair, 0.0), data["p50"], today, incoming=incoming.get(pair, ()),
                outgoing=outgoing.get(pair, ()), sigma_cum=data["sigma_cum"], service_level=service,
                supplier_lead_time=supplier_lead, purchase_lead_time=int(round(purchase_lead)),
                review_period=settings["review_period"], min_qty=min_qty, multiple=multiple,
                forecast_start=data["dates"][0] if data["dates"] else today, uom=product.uom_id.name,
                step=1.0 if whole else (product.uom_id.rounding or 0.0))
            forecast_vals = {"service_level": service, "not_stocked": service <= 0.0}
            if any(data["forecast"][key] != value for key, value in forecast_vals.items()):
                data["forecast"].write(forecast_vals)
            proposal = existing.get(pair)
            if result["status"] != "order" or result["qty"] <= 0:
                stale |= proposal or self.browse()
                continue
            qty = result["qty"]
            reason = result["reason"]
            pipeline_qty = sum(float(q) for _d, q, *_ in data["pipeline"])
            if pipeline_qty > 0:
                deals = len({rest[0] for _d, _q, *rest in data["pipeline"] if rest})
                reason += " " + env._("Includes %(qty)s units from %(deals)s likely deals.",
                                      qty=f"{pipeline_qty:,.0f}", deals=deals or 1)
            vals = {
                "forecast_id": data["forecast"].id, "supplier_id": seller.partner_id.id if seller else False,
                "supplierinfo_id": seller.id if seller else False, "on_hand": on_hand.get(pair, 0.0),
                "safety_stock": result["safety_stock"], "stockout_date": result["stockout_date"],
                "runout_date": result.get("runout_date"), "order_by": result["order_by"],
                "arrival_date": result.get("arrival_date"), "late": bool(result.get("late")),
                "lead_time": int(result.get("lead_time") or 0), "qty": qty, "service_level": service,
                "reason": reason, "computed_on": fields.Datetime.now(),
            }
            if proposal:
                proposal.write(vals)
            else:
                to_create.append(dict(vals, product_id=pair[0], warehouse_id=pair[1]))
            count += 1
        if to_create:
            self.create(to_create)   # one INSERT for the batch's new proposals
        if stale:
            stale.unlink()
        return count

    @api.model
    def _ai_service_levels(self, company, rows, settings):
        """``{pair: service level}`` for ``rows`` (``{pair: (product, seller, forecast)}``): the
        category's level, or, in a category optimised by stock value, the product's share at the
        category's allocation price (0: not kept in stock)."""
        policy_of = {categ: categ._ai_service_policy()
                     for categ in {product.categ_id for product, _s, _f in rows.values()}}
        levels, optimised = {}, {}
        for pair, (product, _seller, _forecast) in rows.items():
            level, mode, anchor = policy_of[product.categ_id]
            levels[pair] = level
            if mode == "optimised":
                optimised.setdefault(anchor, []).append(pair)
        for anchor, pairs in optimised.items():
            price = self._ai_allocation_price(company, anchor, settings)
            items = [_allocation_item(*rows[pair], settings["review_period"]) for pair in pairs]
            levels.update(zip(pairs, core.service_levels_at(items, price, not_stocked=True,
                                                            step=self._ai_service_level_step())))
        return levels

    @api.model
    def _ai_service_level_step(self):
        """The precision service levels are stored at (3 decimals): the allocation rounds up to it, so that
        the levels as stored reach the category's target."""
        return 10.0 ** -self.env["ai.stock.forecast"]._fields["service_level"].get_digits(self.env)[1]

    @api.model
    def _ai_allocation_price(self, company, anchor, settings):
        """The allocation price of a category optimised by stock value, from the stored forecasts of
        all its products in the company (this run's where already made). Found once per run (kept in
        ``settings``): later batches' products get their level at that price."""
        memo = settings.setdefault("_ai_allocation_prices", {})
        if anchor.id not in memo:
            forecasts = self.env["ai.stock.forecast"].search([
                ("company_id", "=", company.id), ("state", "=", "ok"),
                ("product_id.categ_id", "child_of", anchor.id)])
            products = forecasts.product_id.with_company(company)
            anchor_of = {categ: categ._ai_service_policy()[2] for categ in products.categ_id}
            by_id = {product.id: product for product in products}
            items = []
            for forecast in forecasts:
                product = by_id[forecast.product_id.id]
                if anchor_of[product.categ_id] == anchor:
                    items.append(_allocation_item(product, _seller(product, company), forecast,
                                                  settings["review_period"]))
            memo[anchor.id] = core.allocation_price(items, anchor._ai_service_level(), not_stocked=True,
                                                    step=self._ai_service_level_step())
        return memo[anchor.id]

    def action_create_rfq(self):
        """One request for quotation per supplier (and warehouse) for the selected proposals."""
        todo = rpc.records_of(self, "write").filtered(lambda p: p.state == "proposed")
        if not todo:
            raise UserError(self.env._("Select proposals that are still open."))
        missing = todo.filtered(lambda p: not p.supplier_id)
        if missing:
            raise UserError(self.env._("No supplier is set for %s: add one on the product's Purchase tab.",
                                       ", ".join(missing.product_id.mapped("display_name"))))
        orders = self.env["purchase.order"]
        groups = {}
        for proposal in todo:
            groups.setdefault((proposal.supplier_id, proposal.warehouse_id, proposal.company_id), []).append(proposal)
        for (supplier, warehouse, company), proposals in groups.items():
            order = self.env["purchase.order"].with_company(company).create({
                "partner_id": supplier.id,
                "company_id": company.id,
                "picking_type_id": warehouse.in_type_id.id,
                "origin": self.env._("AI stock forecast"),
                "order_line": [(0, 0, {
                    "product_id": p.product_id.id, "product_qty": p.qty,
                    "date_planned": fields.Datetime.to_datetime(p.arrival_date or fields.Date.today()),
                }) for p in proposals],
            })
            for proposal in proposals:
                proposal.write({"state": "rfq", "purchase_order_id": order.id})
            orders |= order
        if len(orders) == 1:
            return {"type": "ir.actions.act_window", "res_model": "purchase.order", "res_id": orders.id,
                    "view_mode": "form", "target": "current"}
        return {"type": "ir.actions.act_window", "name": self.env._("Requests for quotation"),
                "res_model": "purchase.order", "view_mode": "list,form", "domain": [("id", "in", orders.ids)]}

    def action_dismiss(self):
        rpc.records_of(self, "write").filtered(lambda p: p.state == "proposed").write({"state": "cancel"})
        return True

    def action_update_reordering_rules(self):
        """Write the forecast-derived minimum and maximum into Odoo's reordering rules."""
        settings = self.env["ai.stock.forecast"]._ai_settings()
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        for proposal in rpc.records_of(self, "read").filtered("forecast_id"):
            forecast = proposal.forecast_id
            product = proposal.product_id.with_company(proposal.company_id)
            seller = _seller(product, proposal.company_id)
            min_qty, multiple = _supplier_quantities(product, seller)
            p50 = forecast.line_ids.filtered(lambda l: l.kind == "forecast").sorted("date").mapped("qty")
            lead = (seller.delay if seller else 0) + int(round(getattr(proposal.company_id, "days_to_purchase", 0) or 0))
            values = core.reorder_min_max(p50, lead, review_period=settings["review_period"],
                                          service_level=0.0 if forecast.not_stocked
                                          else (proposal.service_level or 0.95),
                                          sigma_cum=forecast.sigma_cum or None, min_qty=min_qty, multiple=multiple)
            rule = Orderpoint.search([("product_id", "=", product.id),
                                      ("warehouse_id", "=", proposal.warehouse_id.id)], limit=1)
            vals = {"product_min_qty": round(values["min"], 2), "product_max_qty": round(values["max"], 2)}
            if rule:
                rule.write(vals)
            else:
                Orderpoint.create(dict(vals, product_id=product.id, warehouse_id=proposal.warehouse_id.id,
                                       location_id=proposal.warehouse_id.lot_stock_id.id,
                                       company_id=proposal.company_id.id))
        return True

    @api.model
    def ai_get_proposals(self, company_id=False, **options):
        """XML-RPC / JSON-RPC: the open purchase proposals (of a company, default the user's).

        :param company_id: one of the caller's companies (default: every company the caller works in)
        :raises UserError: ``company_id`` is not a positive id
        :raises AccessError: the company does not exist or is not one of the caller's

        :return: list of ``{"id", "product_id", "product", "warehouse_id", "supplier_id", "supplier",
            "qty", "uom", "stockout_date", "order_by", "arrival_date", "late", "reason"}`` (dates as
            ISO strings, False when unknown), soonest order-by date first
        """
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        domain = [("state", "=", "proposed")]
        if company_id:
            domain.append(("company_id", "=", rpc.company_argument(self.env, company_id).id))
        out = []
        for p in self.search(domain):
            out.append({
                "id": p.id, "product_id": p.product_id.id, "product": p.product_id.display_name,
                "warehouse_id": p.warehouse_id.id, "supplier_id": p.supplier_id.id or False,
                "supplier": p.supplier_id.display_name or False, "qty": p.qty, "uom": p.uom_id.name,
                "stockout_date": _iso(p.stockout_date), "order_by": _iso(p.order_by),
                "arrival_date": _iso(p.arrival_date), "late": p.late, "reason": p.reason or "",
            })
        return out


def _iso(day):
    return day.isoformat() if day else False


def _seller(product, company):
    sellers = product.seller_ids.filtered(
        lambda s: (not s.company_id or s.company_id == company) and (not s.product_id or s.product_id == product)
        and (not s.date_end or s.date_end >= fields.Date.context_today(product)))
    return sellers.sorted(lambda s: (s.sequence, s.id))[:1]


def _allocation_item(product, seller, forecast, review_period):
    """A product of a warehouse as ``allocate_service_levels`` sees it (demand per day)."""
    min_qty, _multiple = _supplier_quantities(product, seller)
    return core.allocation_item(product.standard_price, (forecast.demand_90 or 0.0) / 90.0, min_qty, review_period)


def _supplier_quantities(product, seller):
    """(minimum quantity, packaging multiple) in the product's unit."""
    if not seller:
        return 0.0, 0.0
    uom = seller.product_uom_id or product.uom_id
    min_qty = uom._compute_quantity(seller.min_qty or 0.0, product.uom_id) if uom != product.uom_id \
        else (seller.min_qty or 0.0)
    multiple = uom._compute_quantity(1.0, product.uom_id) if uom != product.uom_id else 0.0
    return float(min_qty), float(multiple if multiple > 1 else 0.0)

