"""Set-based SQL of the bridge: the 360 facts of a batch of customers, the ERP facts of a batch of leads
as they stood at each lead's reference date, and the demand of the open pipeline.

ORM glue only: every function takes a cursor-bearing ``env`` and plain parameters, runs a fixed number
of queries whatever the batch size, and returns plain rows. Amounts are in each company's currency
(``*_signed`` columns and move line residuals), as Odoo's own receivable reports.
"""
import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

# Posted customer invoices and credit notes of the partners in ``cp`` (commercial partners), with the
# date each invoice was fully paid (its receivable lines all reconciled; the last matching date), or NULL.
_INVOICES = """
    inv AS (
        SELECT m.id, m.commercial_partner_id AS partner_id, m.company_id, m.move_type, m.invoice_date,
               COALESCE(m.invoice_date_due, m.invoice_date) AS due_date,
               m.amount_untaxed_signed AS revenue, m.amount_total_signed AS total
          FROM account_move m
         WHERE m.commercial_partner_id IN (SELECT partner_id FROM cp)
           AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
           AND m.invoice_date IS NOT NULL
    ),
    paid AS (
        SELECT aml.move_id, CASE WHEN bool_and(aml.reconciled) THEN max(apr.max_date) END AS paid_date
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
     LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
         WHERE aml.move_id IN (SELECT id FROM inv WHERE move_type = 'out_invoice')
      GROUP BY aml.move_id
    )
"""

FACT_COLUMNS = [
    "revenue_12m", "revenue_prev_12m", "revenue_trend", "receivable_open", "receivable_overdue", "overdue_count",
    "max_days_overdue", "avg_days_to_pay", "avg_days_late", "paid_count", "paid_late_count", "late_share",
    "invoice_count", "order_count", "order_count_12m", "last_order_date", "first_order_date", "customer_since",
    "avg_days_between_orders", "main_products", "opportunity_count", "opportunity_value", "opportunity_weighted",
    "is_late_payer", "is_new_customer",
]

# the probability a pipeline figure is weighted by: the AI's once the lead is scored, else Odoo's
LEAD_PROBABILITY = SQL("(CASE WHEN l.ai_scored_on IS NOT NULL AND l.ai_probability IS NOT NULL "
                       "THEN l.ai_probability ELSE COALESCE(l.probability, 0) END)")


def refresh_facts(env, partner_ids, today, late_days=15, new_days=90, lang="en_US"):
    """Recompute the ``ai_customer_fact`` rows of these commercial partners, every company, in one statement.

    Rows are upserted on (partner, company); a partner with nothing left in a company loses its row there.
    ``is_top_customer`` is not touched here: it ranks a company's customers against each other, see
    :func:`refresh_top_flags`. Returns the number of rows written.
    """
    if not partner_ids:
        return 0
    d12 = today - relativedelta(years=1)
    d24 = today - relativedelta(years=2)
    columns = SQL(", ").join(SQL.identifier(c) for c in FACT_COLUMNS)
    updates = SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c)) for c in FACT_COLUMNS)
    env.cr.execute(
        SQL(
            """
        WITH cp AS (SELECT DISTINCT unnest(%(ids)s::int[]) AS partner_id),
        members AS (SELECT p.id, p.commercial_partner_id AS partner_id FROM res_partner p
                     WHERE p.commercial_partner_id IN (SELECT partner_id FROM cp)),
        """
            + _INVOICES
            + """,
        invf AS (
            SELECT inv.partner_id, inv.company_id,
                   COALESCE(sum(inv.revenue) FILTER (WHERE inv.invoice_date > %(d12)s
                                                       AND inv.invoice_date <= %(today)s), 0) AS revenue_12m,
                   COALESCE(sum(inv.revenue) FILTER (WHERE inv.invoice_date > %(d24)s
                                                       AND inv.invoice_date <= %(d12)s), 0) AS revenue_prev_12m,
                   min(inv.invoice_date) FILTER (WHERE inv.move_type = 'out_invoice') AS first_invoice_date,
                   count(*) FILTER (WHERE inv.move_type = 'out_invoice') AS invoice_count,
                   avg(paid.paid_date - inv.invoice_date) FILTER (WHERE paid.paid_date > %(d24)s) AS avg_days_to_pay,
                   avg(GREATEST(paid.paid_date - inv.due_date, 0)) FILTER (WHERE paid.paid_date > %(d24)s) AS avg_days_late,
                   count(*) FILTER (WHERE paid.paid_date > %(d24)s) AS paid_count,
                   count(*) FILTER (WHERE paid.paid_date > %(d24)s AND paid.paid_date > inv.due_date) AS paid_late_count
              FROM inv LEFT JOIN paid ON paid.move_id = inv.id
          GROUP BY inv.partner_id, inv.company_id
        ),
        recv AS (
            SELECT mb.partner_id, aml.company_id,
                   sum(aml.amount_residual) AS receivable_open,
                   COALESCE(sum(aml.amount_residual) FILTER (WHERE aml.amount_residual > 0
                            AND COALESCE(aml.date_maturity, aml.date) < %(today)s), 0) AS receivable_overdue,
                   count(DISTINCT aml.move_id) FILTER (WHERE aml.amount_residual > 0
                            AND COALESCE(aml.date_maturity, aml.date) < %(today)s) AS overdue_count,
                   max(%(today)s::date - COALESCE(aml.date_maturity, aml.date)) FILTER (WHERE aml.amount_residual > 0
                            AND COALESCE(aml.date_maturity, aml.date) < %(today)s) AS max_days_overdue
              FROM account_move_line aml
              JOIN members mb ON mb.id = aml.partner_id
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
             WHERE aml.parent_state = 'posted' AND aml.reconciled IS NOT TRUE
          GROUP BY mb.partner_id, aml.company_id
        ),
        ord AS (
            SELECT mb.partner_id, so.company_id, count(*) AS order_count,
                   count(*) FILTER (WHERE so.date_order > %(d12)s) AS order_count_12m,
                   max(so.date_order)::date AS last_order_date, min(so.date_order)::date AS first_order_date
              FROM sale_order so JOIN members mb ON mb.id = so.partner_id
             WHERE so.state = 'sale'
          GROUP BY mb.partner_id, so.company_id
        ),
        prod AS (
            SELECT partner_id, company_id, string_agg(name, ', ' ORDER BY amount DESC, product_id) AS main_products
              FROM (SELECT x.*, COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS name,
                           row_number() OVER (PARTITION BY x.partner_id, x.company_id
                                              ORDER BY x.amount DESC, x.product_id) AS rank
                      FROM (SELECT inv.partner_id, inv.company_id, aml.product_id, sum(-aml.balance) AS amount
                              FROM inv JOIN account_move_line aml ON aml.move_id = inv.id
                             WHERE aml.display_type = 'product' AND aml.product_id IS NOT NULL
                               AND inv.invoice_date > %(d12)s AND inv.invoice_date <= %(today)s
                          GROUP BY 1, 2, 3 HAVING sum(-aml.balance) > 0) x
                      JOIN product_product pp ON pp.id = x.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id) ranked
             WHERE rank <= 3
          GROUP BY partner_id, company_id
        ),
        opp AS (
            SELECT mb.partner_id, l.company_id, count(*) AS opportunity_count,
                   COALESCE(sum(l.expected_revenue), 0) AS opportunity_value,
                   COALESCE(sum(l.expected_revenue * %(probability)s / 100.0), 0) AS opportunity_weighted
              FROM crm_lead l JOIN members mb ON mb.id = l.partner_id
             WHERE l.active AND l.type = 'opportunity' AND l.won_status = 'pending' AND l.company_id IS NOT NULL
          GROUP BY mb.partner_id, l.company_id
        ),
        keys AS (
            SELECT partner_id, company_id FROM invf UNION SELECT partner_id, company_id FROM recv
            UNION SELECT partner_id, company_id FROM ord UNION SELECT partner_id, company_id FROM opp
        ),
        facts AS (
            SELECT k.partner_id, k.company_id,
                   COALESCE(invf.revenue_12m, 0) AS revenue_12m,
                   COALESCE(invf.revenue_prev_12m, 0) AS revenue_prev_12m,
                   CASE WHEN invf.revenue_prev_12m > 0
                        THEN round(((invf.revenue_12m - invf.revenue_prev_12m) / invf.revenue_prev_12m * 100)::numeric, 1)
                   END AS revenue_trend,
                   COALESCE(recv.receivable_open, 0) AS receivable_open,
                   COALESCE(recv.receivable_overdue, 0) AS receivable_overdue,
                   COALESCE(recv.overdue_count, 0) AS overdue_count,
                   COALESCE(recv.max_days_overdue, 0) AS max_days_overdue,
                   round(invf.avg_days_to_pay::numeric, 1) AS avg_days_to_pay,
                   round(invf.avg_days_late::numeric, 1) AS avg_days_late,
                   COALESCE(invf.paid_count, 0) AS paid_count,
                   COALESCE(invf.paid_late_count, 0) AS paid_late_count,
                   CASE WHEN invf.paid_count > 0
                        THEN round(invf.paid_late_count * 100.0 / invf.paid_count, 1) END AS late_share,
                   COALESCE(invf.invoice_count, 0) AS invoice_count,
                   COALESCE(ord.order_count, 0) AS order_count,
                   COALESCE(ord.order_count_12m, 0) AS order_count_12m,
                   ord.last_order_date, ord.first_order_date,
                   LEAST(invf.first_invoice_date, ord.first_order_date) AS customer_since,
                   CASE WHEN ord.order_count > 1
                        THEN round((ord.last_order_date - ord.first_order_date)::numeric / (ord.order_count - 1), 1)
                   END AS avg_days_between_orders,
                   prod.main_products,
                   COALESCE(opp.opportunity_count, 0) AS opportunity_count,
                   COALESCE(opp.opportunity_value, 0) AS opportunity_value,
                   COALESCE(opp.opportunity_weighted, 0) AS opportunity_weighted,
                   (COALESCE(invf.paid_count > 0 AND invf.avg_days_late >= %(late_days)s, FALSE)
                    OR COALESCE(recv.max_days_overdue >= %(late_days)s, FALSE)) AS is_late_payer,
                   COALESCE(LEAST(invf.first_invoice_date, ord.first_order_date) > %(new_from)s, FALSE) AS is_new_customer
              FROM keys k
         LEFT JOIN invf ON invf.partner_id = k.partner_id AND invf.company_id = k.company_id
         LEFT JOIN recv ON recv.partner_id = k.partner_id AND recv.company_id = k.company_id
         LEFT JOIN ord ON ord.partner_id = k.partner_id AND ord.company_id = k.company_id
         LEFT JOIN prod ON prod.partner_id = k.partner_id AND prod.company_id = k.company_id
         LEFT JOIN opp ON opp.partner_id = k.partner_id AND opp.company_id = k.company_id
             WHERE k.partner_id IS NOT NULL AND k.company_id IS NOT NULL
        ),
        upsert AS (
            INSERT INTO ai_customer_fact (partner_id, company_id, %(columns)s, is_top_customer, refreshed_on,
                                          create_uid, create_date, write_uid, write_date)
            SELECT partner_id, company_id, %(columns)s, FALSE, now() AT TIME ZONE 'UTC',
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM facts
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET %(updates)s, refreshed_on = EXCLUDED.refreshed_on, write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
            RETURNING id
        )
        DELETE FROM ai_customer_fact f
         WHERE f.partner_id IN (SELECT partner_id FROM cp) AND f.id NOT IN (SELECT id FROM upsert)
        """,
            ids=list(partner_ids),
            today=today,
            d12=d12,
            d24=d24,
            new_from=today - timedelta(days=new_days),
            late_days=late_days,
            lang=lang,
            probability=LEAD_PROBABILITY,
            columns=columns,
            updates=updates,
            uid=env.uid,
        )
    )
    return env.cr.rowcount


def refresh_top_flags(env, company_ids=None, share=0.10):
    """Flag the top ``share`` of each company's customers by revenue of the last 12 months (at least one
    customer once any has revenue; ties broken by partner id). One UPDATE over the facts table."""
    company_filter = SQL("company_id = ANY(%s)", list(company_ids)) if company_ids else SQL("TRUE")
    env.cr.execute(SQL(
        """
        UPDATE ai_customer_fact f SET is_top_customer = r.top
          FROM (SELECT id, COALESCE(revenue_12m > 0 AND
                       row_number() OVER (PARTITION BY company_id ORDER BY revenue_12m DESC, partner_id)
                       <= ceil(%(share)s * count(*) FILTER (WHERE revenue_12m > 0) OVER (PARTITION BY company_id)),
                       FALSE) AS top
                  FROM ai_customer_fact WHERE %(filter)s) r
         WHERE r.id = f.id AND f.is_top_customer IS DISTINCT FROM r.top
        """, share=share, filter=company_filter))
    return env.cr.rowcount


# ----------------------------------------------------------------------------------------------
# Lead features

REVENUE_BANDS = [(0.0, "none"), (10_000.0, "under 10k"), (50_000.0, "10k to 50k"), (200_000.0, "50k to 200k"),
                 (math.inf, "200k and more")]


def revenue_band(revenue):
    """The band of a yearly revenue, in words (the level names appear in the reasons of a score)."""
    if revenue is None or revenue != revenue:
        return None
    if revenue <= 0:
        return "none"
    return next(label for ceiling, label in REVENUE_BANDS[1:] if revenue < ceiling)


def payment_behaviour(paid_count, late_share, overdue):
    if overdue and overdue > 0:
        return "has overdue invoices"
    if not paid_count:
        return "no payment yet"
    if late_share is None:
        return "no payment yet"
    if late_share >= 0.5:
        return "often late"
    if late_share > 0:
        return "sometimes late"
    return "on time"


def read_lead_erp_facts(env, lead_ids):
    """ERP facts of each lead's company (commercial partner) in the lead's company, as they stood at the
    lead's reference date: its creation for a closed lead (nothing it led to can leak into training),
    now for an open one. Documents of the lead's own quotations are left out.

    :return: {lead id: dict(has_partner, n_invoices, revenue_12m, paid_count, days_to_pay, late_share,
             overdue, n_orders, orders_12m, days_since_last_order, days_between_orders)}
    """
    if not lead_ids:
        return {}
    env.cr.execute(SQL(
        """
        WITH lead AS (
            SELECT l.id, p.commercial_partner_id AS partner_id, l.company_id,
                   CASE WHEN l.won_status IN ('won', 'lost') THEN l.create_date
                        ELSE now() AT TIME ZONE 'UTC' END AS ref
              FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
             WHERE l.id IN (SELECT unnest(%(ids)s::int[]))
        ),
        cp AS (SELECT DISTINCT partner_id FROM lead),
        """ + _INVOICES + """,
        invf AS (
            SELECT lead.id,
                   count(*) FILTER (WHERE inv.move_type = 'out_invoice') AS n_invoices,
                   COALESCE(sum(inv.revenue) FILTER (WHERE inv.invoice_date > (lead.ref - interval '1 year')::date), 0)
                       AS revenue_12m,
                   count(*) FILTER (WHERE paid.paid_date < lead.ref::date) AS paid_count,
                   avg(paid.paid_date - inv.invoice_date) FILTER (WHERE paid.paid_date < lead.ref::date) AS days_to_pay,
                   avg((paid.paid_date > inv.due_date)::int) FILTER (WHERE paid.paid_date < lead.ref::date) AS late_share,
                   COALESCE(sum(inv.total) FILTER (WHERE inv.move_type = 'out_invoice' AND inv.due_date < lead.ref::date
                                AND (paid.paid_date IS NULL OR paid.paid_date >= lead.ref::date)), 0) AS overdue
              FROM lead
              JOIN inv ON inv.partner_id = lead.partner_id
                      AND (lead.company_id IS NULL OR inv.company_id = lead.company_id)
                      AND inv.invoice_date < lead.ref::date
         LEFT JOIN paid ON paid.move_id = inv.id
          GROUP BY lead.id
        ),
        ordf AS (
            SELECT lead.id, count(*) AS n_orders,
                   count(*) FILTER (WHERE so.date_order > lead.ref - interval '1 year') AS orders_12m,
                   EXTRACT(EPOCH FROM lead.ref - max(so.date_order)) / 86400 AS days_since_last_order,
                   CASE WHEN count(*) > 1 THEN EXTRACT(EPOCH FROM max(so.date_order) - min(so.date_order))
                        / 86400 / (count(*) - 1) END AS days_between_orders
              FROM lead
              JOIN res_partner sp ON sp.commercial_partner_id = lead.partner_id
              JOIN sale_order so ON so.partner_id = sp.id AND so.state = 'sale' AND so.date_order < lead.ref
                                AND (lead.company_id IS NULL OR so.company_id = lead.company_id)
                                AND so.opportunity_id IS DISTINCT FROM lead.id
          GROUP BY lead.id, lead.ref
        )
        SELECT lead.id, invf.n_invoices, invf.revenue_12m, invf.paid_count, invf.days_to_pay, invf.late_share,
               invf.overdue, ordf.n_orders, ordf.orders_12m, ordf.days_since_last_order, ordf.days_between_orders
          FROM lead LEFT JOIN invf ON invf.id = lead.id LEFT JOIN ordf ON ordf.id = lead.id
        """, ids=list(lead_ids)))
    result = {}
    for row in env.cr.dictfetchall():
        lead_id = row.pop("id")
        result[lead_id] = {k: (float(v) if v is not None else None) for k, v in row.items()}
    return result


# ----------------------------------------------------------------------------------------------
# Pipeline demand


def read_pipeline_demand(env, company_id, date_from, date_to, today, default_days=30):
    """Products of the open quotations of open opportunities, placed at the expected closing date.

    :return: list of dicts product_id, warehouse_id, date, qty, qty_unweighted, probability, lead_id, order_id
    """
    has_warehouse = "warehouse_id" in env["sale.order"]._fields
    has_storable = "is_storable" in env["product.template"]._fields
    warehouse = SQL("so.warehouse_id") if has_warehouse else SQL(
        "(SELECT w.id FROM stock_warehouse w WHERE w.company_id = so.company_id AND w.active ORDER BY w.sequence, w.id LIMIT 1)")
    storable = SQL("pt.is_storable") if has_storable else SQL("pt.type = 'consu'")
    env.cr.execute(SQL(
        """
        WITH demand AS (
            SELECT sol.product_id, %(warehouse)s AS warehouse_id, so.id AS order_id, l.id AS lead_id,
                   GREATEST(COALESCE(l.date_deadline, so.commitment_date::date, so.validity_date,
                                     %(today)s::date + %(default_days)s), %(today)s::date) AS date,
                   %(probability)s AS probability,
                   sum(sol.product_uom_qty * COALESCE(lu.factor, 1) / COALESCE(NULLIF(pu.factor, 0), 1)) AS qty
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN crm_lead l ON l.id = so.opportunity_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN uom_uom lu ON lu.id = sol.product_uom_id
         LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
             WHERE so.state IN ('draft', 'sent') AND so.company_id = %(company)s
               AND l.active AND l.type = 'opportunity' AND l.won_status = 'pending'
               AND sol.display_type IS NULL AND sol.product_uom_qty > 0 AND %(storable)s
          GROUP BY 1, 2, 3, 4, 5, 6
        )
        SELECT product_id, warehouse_id, date, qty * probability / 100.0 AS qty, qty AS qty_unweighted,
               probability, lead_id, order_id
          FROM demand
         WHERE date >= %(date_from)s AND date <= %(date_to)s
      ORDER BY date, product_id, order_id
        """, warehouse=warehouse, today=today, default_days=default_days, probability=LEAD_PROBABILITY,
        company=company_id, storable=storable, date_from=date_from, date_to=date_to))
    return env.cr.dictfetchall()
