"""Bulk synthetic history for the CRM-ERP bridge benchmark (SQL, for set-up speed only).

Every row is copied from a template record created through the ORM (so each NOT NULL column and
default is right), with the columns that matter overridden: partners, posted customer invoices with
product lines and a receivable line, payments as partial reconciliations, confirmed sale orders with
their lines, and open opportunities.
"""
from datetime import date, timedelta

from odoo import Command, fields
from odoo.tools import SQL

N_PRODUCTS = 60


def _columns(cr, table, skip=("id",)):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
               [table])
    return [c for (c,) in cr.fetchall() if c not in skip]


def _copy_rows(cr, table, template_id, source_sql, overrides, params):
    """INSERT INTO table SELECT <template row, with overrides> FROM (source_sql) s, the template row t."""
    cols = _columns(cr, table)
    select = ", ".join(overrides.get(c, f"t.{c}") for c in cols)
    cr.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM ({source_sql}) s, "  # noqa: S608
               f"{table} t WHERE t.id = %(template)s", dict(params, template=template_id))
    return cr.rowcount


def ensure_chart(env):
    company = env.company
    if not env["account.account"].search_count([("account_type", "=", "asset_receivable")]):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    return company


def templates(env):
    """One partner, one paid invoice (1 product line), one confirmed order (1 line), one open opportunity."""
    products = env["product.product"].create([{"name": f"Bench product {i}", "type": "consu", "is_storable": True,
                                               "list_price": 10.0 + i} for i in range(N_PRODUCTS)])
    partner = env["res.partner"].create({"name": "Bench template", "is_company": True})
    today = fields.Date.today()
    invoice = env["account.move"].create({
        "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": today - timedelta(days=40),
        "invoice_payment_term_id": False, "invoice_date_due": today - timedelta(days=10),
        "invoice_line_ids": [Command.create({"product_id": products[0].id, "quantity": 1, "price_unit": 100.0,
                                             "tax_ids": [Command.clear()]})]})
    invoice.action_post()
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
        {"payment_date": today - timedelta(days=5)})._create_payments()
    order = env["sale.order"].create({"partner_id": partner.id, "order_line": [
        Command.create({"product_id": products[0].id, "product_uom_qty": 1})]})
    order.action_confirm()
    lead = env["crm.lead"].create({"name": "Bench deal", "type": "opportunity", "partner_id": partner.id,
                                   "expected_revenue": 1000.0, "probability": 20.0})
    env.flush_all()
    product_line = invoice.invoice_line_ids
    receivable = invoice.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")
    partial = env["account.partial.reconcile"].search([("debit_move_id", "=", receivable.id)], limit=1)
    return {"products": products.ids, "partner": partner.id, "invoice": invoice.id, "product_line": product_line.id,
            "receivable_line": receivable.id, "partial": partial.id, "order": order.id,
            "order_line": order.order_line.id, "lead": lead.id}


def populate(env, n_partners, n_invoice_lines, n_order_lines, lines_per_invoice=5, lines_per_order=4,
             n_open_leads=5000, seed=0):
    cr = env.cr
    ensure_chart(env)
    tpl = templates(env)
    today = date.today()
    params = {"n": n_partners, "seed": seed, "today": today}
    # partners
    _copy_rows(cr, "res_partner", tpl["partner"], "SELECT g FROM generate_series(1, %(n)s) g",
               {"name": "'Bench customer ' || s.g", "complete_name": "'Bench customer ' || s.g",
                "commercial_partner_id": "NULL", "create_date": "now() at time zone 'UTC'"}, params)
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
    cr.execute("SELECT min(id), max(id) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    pmin, pmax = cr.fetchone()
    params.update(pmin=pmin, span=pmax - pmin + 1)

    # invoices: 3 years, random customer; 85 % paid (two thirds on time), the rest open
    n_invoices = n_invoice_lines // lines_per_invoice
    params.update(n_inv=n_invoices, lpi=lines_per_invoice)
    cr.execute("SELECT setseed(0.42)")
    cr.execute("""
        CREATE TEMP TABLE bench_inv AS
        SELECT g, %(pmin)s + floor(random() * %(span)s)::int AS partner_id,
               (%(today)s::date - floor(random() * 1095)::int) AS invoice_date,
               round((100 + random() * 4900)::numeric, 2) AS amount, random() AS r
          FROM generate_series(1, %(n_inv)s) g
    """, params)
    cr.execute("ALTER TABLE bench_inv ADD COLUMN due date, ADD COLUMN paid date")
    cr.execute("""UPDATE bench_inv SET due = invoice_date + 30,
                  paid = CASE WHEN r < 0.57 THEN invoice_date + 10 + floor(r * 35)::int
                              WHEN r < 0.85 THEN invoice_date + 31 + floor(r * 60)::int END""")
    cr.execute("UPDATE bench_inv SET paid = NULL WHERE paid > %(today)s", params)
    _copy_rows(cr, "account_move", tpl["invoice"], "SELECT * FROM bench_inv", {
        "name": "'BINV/' || s.g", "partner_id": "s.partner_id", "commercial_partner_id": "s.partner_id",
        "partner_shipping_id": "s.partner_id", "invoice_date": "s.invoice_date", "date": "s.invoice_date",
        "invoice_date_due": "s.due", "amount_untaxed": "s.amount", "amount_total": "s.amount",
        "amount_untaxed_signed": "s.amount", "amount_total_signed": "s.amount",
        "amount_untaxed_in_currency_signed": "s.amount", "amount_total_in_currency_signed": "s.amount",
        "amount_residual": "CASE WHEN s.paid IS NULL THEN s.amount ELSE 0 END",
        "amount_residual_signed": "CASE WHEN s.paid IS NULL THEN s.amount ELSE 0 END",
        "payment_state": "CASE WHEN s.paid IS NULL THEN 'not_paid' ELSE 'paid' END",
        "payment_reference": "'BINV/' || s.g", "ref": "NULL", "sequence_number": "s.g", "sequence_prefix": "'BINV/'",
        "invoice_origin": "NULL", "inalterable_hash": "NULL", "secure_sequence_number": "NULL",
        "create_date": "now() at time zone 'UTC'", "write_date": "now() at time zone 'UTC'",
    }, params)
    cr.execute("ALTER TABLE bench_inv ADD COLUMN move_id int")
    cr.execute("UPDATE bench_inv b SET move_id = m.id FROM account_move m WHERE m.name = 'BINV/' || b.g")
    # product lines: the amount split evenly over lines_per_invoice products
    product_ids = tpl["products"]
    params["products"] = product_ids
    params["np"] = len(product_ids)
    line_amount = "round(s.amount / %(lpi)s, 2)"
    _copy_rows(cr, "account_move_line", tpl["product_line"],
               "SELECT b.*, k FROM bench_inv b, generate_series(1, %(lpi)s) k", {
                   "move_id": "s.move_id", "move_name": "'BINV/' || s.g", "partner_id": "s.partner_id",
                   "date": "s.invoice_date", "invoice_date": "s.invoice_date",
                   "product_id": "(%(products)s::int[])[1 + (s.partner_id * 7 + s.k * 13) %% %(np)s]",
                   "price_unit": line_amount, "price_subtotal": line_amount, "price_total": line_amount,
                   "balance": f"-{line_amount}", "amount_currency": f"-{line_amount}", "credit": line_amount,
                   "debit": "0", "sequence": "10 + s.k", "create_date": "now() at time zone 'UTC'",
               }, params)
    _copy_rows(cr, "account_move_line", tpl["receivable_line"], "SELECT * FROM bench_inv", {
        "move_id": "s.move_id", "move_name": "'BINV/' || s.g", "partner_id": "s.partner_id", "date": "s.invoice_date",
        "invoice_date": "s.invoice_date", "date_maturity": "s.due",
        "balance": "round(s.amount / %(lpi)s, 2) * %(lpi)s", "amount_currency": "round(s.amount / %(lpi)s, 2) * %(lpi)s",
        "debit": "round(s.amount / %(lpi)s, 2) * %(lpi)s", "credit": "0",
        "amount_residual": "CASE WHEN s.paid IS NULL THEN round(s.amount / %(lpi)s, 2) * %(lpi)s ELSE 0 END",
        "amount_residual_currency": "CASE WHEN s.paid IS NULL THEN round(s.amount / %(lpi)s, 2) * %(lpi)s ELSE 0 END",
        "reconciled": "s.paid IS NOT NULL", "full_reconcile_id": "NULL", "matching_number": "NULL",
        "create_date": "now() at time zone 'UTC'",
    }, params)
    # payments: one partial per paid invoice, against the template payment's line
    cr.execute("""
        CREATE TEMP TABLE bench_paid AS
        SELECT b.paid, b.amount, l.id AS line_id FROM bench_inv b
          JOIN account_move_line l ON l.move_id = b.move_id AND l.display_type = 'payment_term'
         WHERE b.paid IS NOT NULL""")
    _copy_rows(cr, "account_partial_reconcile", tpl["partial"], "SELECT * FROM bench_paid", {
        "debit_move_id": "s.line_id", "max_date": "s.paid", "amount": "s.amount", "debit_amount_currency": "s.amount",
        "credit_amount_currency": "s.amount", "full_reconcile_id": "NULL", "create_date": "now() at time zone 'UTC'",
    }, params)

    # confirmed orders over 3 years
    n_orders = n_order_lines // lines_per_order
    params.update(n_ord=n_orders, lpo=lines_per_order)
    cr.execute("""
        CREATE TEMP TABLE bench_ord AS
        SELECT g, %(pmin)s + floor(random() * %(span)s)::int AS partner_id,
               (%(today)s::date - floor(random() * 1095)::int)::timestamp + interval '10 hours' AS date_order
          FROM generate_series(1, %(n_ord)s) g""", params)
    _copy_rows(cr, "sale_order", tpl["order"], "SELECT * FROM bench_ord", {
        "name": "'BSO/' || s.g", "partner_id": "s.partner_id", "partner_invoice_id": "s.partner_id",
        "partner_shipping_id": "s.partner_id", "date_order": "s.date_order", "state": "'sale'",
        "access_token": "NULL", "create_date": "now() at time zone 'UTC'",
    }, params)
    cr.execute("ALTER TABLE bench_ord ADD COLUMN order_id int")
    cr.execute("UPDATE bench_ord b SET order_id = o.id FROM sale_order o WHERE o.name = 'BSO/' || b.g")
    _copy_rows(cr, "sale_order_line", tpl["order_line"], "SELECT b.*, k FROM bench_ord b, generate_series(1, %(lpo)s) k", {
        "order_id": "s.order_id", "order_partner_id": "s.partner_id",
        "product_id": "(%(products)s::int[])[1 + (s.partner_id * 5 + s.k * 11) %% %(np)s]",
        "product_uom_qty": "1 + s.k", "sequence": "10 + s.k", "create_date": "now() at time zone 'UTC'",
    }, params)
    # open opportunities
    params["n_leads"] = n_open_leads
    _copy_rows(cr, "crm_lead", tpl["lead"], "SELECT g FROM generate_series(1, %(n_leads)s) g", {
        "name": "'Bench deal ' || s.g", "partner_id": "%(pmin)s + (s.g * 3) %% %(span)s",
        "expected_revenue": "1000 + (s.g %% 50) * 100", "probability": "(s.g %% 9) * 10 + 10",
        "create_date": "now() at time zone 'UTC'",
    }, params)
    for table in ("bench_inv", "bench_paid", "bench_ord"):
        cr.execute(SQL("DROP TABLE %s", SQL.identifier(table)))
    cr.execute("ANALYZE")
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id "
               "WHERE m.name LIKE 'BINV/%%' AND l.display_type = 'product'")
    n_lines = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE o.name LIKE 'BSO/%%'")
    return {"partners": n_partners, "invoices": n_invoices, "invoice_lines": n_lines, "orders": n_orders,
            "order_lines": cr.fetchone()[0], "open_leads": n_open_leads, "template_partner": tpl["partner"]}
