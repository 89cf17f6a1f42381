"""Expense account proposals: train the category model on posted bill lines, propose on drafts."""
import datetime as dt
import logging
import time

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.ai_base.batching import CONCURRENCY_ERRORS

from ..checks import CategoryModel

_logger = logging.getLogger(__name__)

KIND = "invoice_category"
TRAIN_DAYS = 1100
MIN_LINES = 20


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited  # one file per feature

    @api.model
    def _ai_category_rows(self, company, since=None):
        """Posted vendor bill lines of a company as the category model's rows, oldest first."""
        since = since or (fields.Date.context_today(self) - dt.timedelta(days=TRAIN_DAYS))
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT am.commercial_partner_id, p.name, l.product_id, COALESCE(pt.name->>'en_US', ''), l.name,
                   l.price_subtotal, am.invoice_date, l.account_id, l.analytic_distribution,
                   ARRAY(SELECT rel.account_tax_id FROM account_move_line_account_tax_rel rel
                          WHERE rel.account_move_line_id = l.id ORDER BY rel.account_tax_id)
              FROM account_move_line l
              JOIN account_move am ON am.id = l.move_id
         LEFT JOIN res_partner p ON p.id = am.commercial_partner_id
         LEFT JOIN product_product pp ON pp.id = l.product_id
         LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE am.company_id = %s AND am.move_type = 'in_invoice' AND am.state = 'posted'
               AND l.display_type = 'product' AND l.account_id IS NOT NULL AND am.invoice_date >= %s
          ORDER BY am.invoice_date, l.id
            """, company.id, since))
        return [{"partner": partner, "partner_name": pname or "", "product": product, "product_name": prod_name,
                 "name": name or "", "amount": float(amount or 0.0), "date": day, "account": account,
                 "analytic": analytic or None, "taxes": list(taxes or []) or None}
                for partner, pname, product, prod_name, name, amount, day, account, analytic, taxes
                in self.env.cr.fetchall()]

    @api.model
    def _ai_train_category(self, company):
        """Train the expense account model of a company; measured on its newest fifth of lines first."""
        started = time.monotonic()
        rows = self._ai_category_rows(company)
        Model = self.env["ai.trained.model"]
        name = self.env._("Expense account proposals")
        if len(rows) < MIN_LINES:
            return Model._store(KIND, name, None, company=company, n_samples=len(rows), state="insufficient",
                                note=self.env._("%(count)s posted vendor bill lines; at least %(min)s are needed.",
                                                count=len(rows), min=MIN_LINES))
        cut = int(len(rows) * 0.8)
        train, test = rows[:cut], rows[cut:]
        metrics = {"lines": len(rows), "test_lines": len(test)}
        if test:
            predictions = CategoryModel.predict(CategoryModel.fit(train), test)
            hits = sum(1 for row, pred in zip(test, predictions) if pred["account"] == row["account"])
            metrics["top1_accuracy"] = hits / len(test)
            # Odoo's own proposal: the supplier's most frequent account
            counts = {}
            for row in train:
                counts.setdefault(row["partner"], {}).setdefault(row["account"], 0)
                counts[row["partner"]][row["account"]] += 1
            native = sum(1 for row in test if counts.get(row["partner"])
                         and max(counts[row["partner"]].items(), key=lambda kv: kv[1])[0] == row["account"])
            metrics["native_top1_accuracy"] = native / len(test)
            confident = [(row, pred) for row, pred in zip(test, predictions) if pred["confidence"] >= 0.9]
            metrics["share_confident_0.9"] = len(confident) / len(test)
            if confident:
                metrics["accuracy_confident_0.9"] = sum(
                    1 for row, pred in confident if pred["account"] == row["account"]) / len(confident)
        payload = CategoryModel.fit(rows)
        return Model._store(KIND, name, payload, company=company, n_samples=len(rows), metrics=metrics,
                            train_seconds=time.monotonic() - started)

    @api.model
    def _cron_ai_train_category(self):
        for company in self.env["res.company"].search([]):
            try:
                with self.env.cr.savepoint():
                    self.with_company(company)._ai_train_category(company)
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - one company's failure must not stop the others
                _logger.exception("AI bill check: training the account proposals of %s failed", company.name)

    def _ai_propose_accounts(self, rows, policies):
        """Propose an account for each line of these draft bills; apply the confident ones on new lines."""
        Model = self.env["ai.trained.model"]
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            model = Model._get_active(KIND, company=company)
            if not model:
                continue
            payload = model._load_payload()
            policy = policies[company.id]
            items = []
            for move in moves:
                bill = rows.get(move.id) or {}
                for line in bill.get("lines", []):
                    items.append((line["aml_id"], {
                        "partner": bill.get("partner"), "partner_name": bill.get("partner_name"),
                        "product": line["product"], "product_name": line["product_name"], "name": line["name"],
                        "amount": abs(line["price_subtotal"]), "date": bill.get("date") or bill.get("accounting_date"),
                    }))
            if not items:
                continue
            predictions = CategoryModel.predict(payload, [row for _aml, row in items])
            lines = self.env["account.move.line"].browse([aml for aml, _row in items])
            accounts = self.env["account.account"].browse(
                {p["account"] for p in predictions if isinstance(p.get("account"), int)}).exists()
            for line, prediction in zip(lines, predictions):
                account = prediction.get("account")
                if account not in accounts.ids:
                    continue
                first_time = not line.ai_account_id
                line.with_context(ai_invoice_check_skip=True).write({
                    "ai_account_id": account, "ai_account_confidence": prediction["confidence"],
                    "ai_account_proposal": {
                        "analytic": prediction.get("analytic") or None,
                        "taxes": prediction.get("taxes") or None,
                        "alternatives": prediction.get("alternatives") or [],
                        "evidence": prediction.get("evidence"),
                    }})
                if (first_time and policy.category_auto_apply and prediction["confidence"] >= policy.category_threshold
                        and not line.purchase_line_id and line.account_id.id != account
                        and line.account_id in line._ai_default_accounts()):
                    line._ai_apply_proposal(with_taxes=False)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited  # one file per feature

    def _ai_default_accounts(self):
        """The accounts Odoo itself puts on such a line: an automatic proposal may replace only these."""
        self.ensure_one()
        accounts = self.move_id.journal_id.default_account_id
        if self.product_id:
            accounts |= self.product_id.product_tmpl_id._get_product_accounts().get("expense") or accounts.browse()
        return accounts


class AiTrainedModel(models.Model):
    _inherit = "ai.trained.model"

    def _retrain_invoice_category(self):
        self.ensure_one()
        self.env["account.move"].with_company(self.company_id)._ai_train_category(self.company_id)
