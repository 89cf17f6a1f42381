import json
import logging
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.ai_base import rpc
from odoo.addons.ai_base.batching import CONCURRENCY_ERRORS, forget_before_commit, process_in_batches, run_before_commit
from odoo.addons.ai_base.tools import finite

from .. import checks
from ..checks.history import History
from . import bill_data
from .ai_invoice_finding import SEVERITY_RANK

_logger = logging.getLogger(__name__)

PURCHASE_TYPES = bill_data.PURCHASE_TYPES
# a change to one of these on a draft bill checks it again
TRIGGER_FIELDS = {"partner_id", "invoice_date", "ref", "partner_bank_id", "invoice_line_ids", "line_ids",
                  "currency_id", "invoice_payment_term_id", "invoice_date_due", "move_type", "journal_id",
                  "message_main_attachment_id"}
CHECK_QUEUE = "ai_invoice_check.check"
CHECK_STATES = [("none", "Not checked"), ("ok", "No finding"), ("info", "Info"), ("warning", "To verify"),
                ("high", "High risk"), ("error", "Check failed")]


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited  # one file per feature

    ai_finding_ids = fields.One2many("ai.invoice.finding", "move_id", "AI findings", readonly=True)
    ai_check_state = fields.Selection(CHECK_STATES, "AI check", default="none", readonly=True, copy=False,
                                      index=True, help="The most severe finding of the last AI check")
    ai_to_verify = fields.Boolean("To verify", readonly=True, copy=False, index=True,
                                  help="The AI check found something to verify or a high risk")
    ai_finding_count = fields.Integer("Findings", readonly=True, copy=False)
    ai_high_count = fields.Integer("High-risk findings", readonly=True, copy=False)
    ai_warning_count = fields.Integer("Findings to verify", readonly=True, copy=False)
    ai_checked_on = fields.Datetime("Checked on", readonly=True, copy=False)
    ai_check_error = fields.Char("Check error", readonly=True, copy=False)
    ai_approval_state = fields.Selection(
        [("none", "Not needed"), ("pending", "Waiting for approval"), ("approved", "Approved")],
        "AI approval", default="none", readonly=True, copy=False, tracking=True)
    ai_approval_key = fields.Char(readonly=True, copy=False,
                                  help="The findings the approval was given for")
    ai_approved_by_id = fields.Many2one("res.users", "Approved by", readonly=True, copy=False)
    ai_approved_on = fields.Datetime("Approved on", readonly=True, copy=False)
    ai_policy_action = fields.Selection(
        [("warn", "Warn only"), ("approval", "Require approval"), ("block", "Block posting")],
        compute="_compute_ai_policy_action", help="What the company's policy does with this bill's findings")

    @api.depends("ai_finding_ids.severity", "ai_finding_ids.needs_approval", "company_id")
    def _compute_ai_policy_action(self):
        policies = self.env["ai.invoice.check.policy"]._for_companies(self.filtered("ai_finding_ids").company_id)
        for move in self:
            actions = set()
            if move.ai_finding_ids:
                policy = policies[move.company_id.id]
                actions = {policy._action_for(f.severity) for f in move.ai_finding_ids}
            move.ai_policy_action = ("block" if "block" in actions else
                                     "approval" if "approval" in actions else "warn")

    # ------------------------------------------------------------------------------------------
    # When: every path that creates, changes or posts a vendor bill

    def _ai_checkable(self):
        return self.filtered(lambda m: m.move_type in PURCHASE_TYPES and m.state == "draft")

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        if not self.env.context.get("ai_invoice_check_skip"):
            bills = moves._ai_checkable()
            if bills:
                bills._ai_check(safe=True, propose=True)
        return moves

    def write(self, vals):
        result = super().write(vals)
        if TRIGGER_FIELDS.intersection(vals) and not self.env.context.get("ai_invoice_check_skip"):
            bills = self._ai_checkable()
            if bills:
                bills._ai_check(safe=True, propose=True)
        return result

    def _ai_mark_dirty(self):
        """Lines changed from code (not through the bill): check the bill before the transaction commits."""
        if self.env.context.get("ai_invoice_check_skip"):
            return
        run_before_commit(self._ai_checkable(), CHECK_QUEUE,
                          lambda moves: moves._ai_checkable()._ai_check(safe=True, propose=True))

    def _post(self, soft=True):
        bills = self.filtered(lambda m: m.move_type in PURCHASE_TYPES and m.state == "draft")
        if bills and not self.env.context.get("ai_invoice_check_skip"):
            bills._ai_check(safe=True)
            bills._ai_enforce_policy()
        return super()._post(soft=soft)

    # ------------------------------------------------------------------------------------------
    # The check

    def action_ai_check(self):
        """Check the selected bills again now (button and list action): the findings are stored on the
        bills, so the caller must be allowed to change them."""
        moves = rpc.records_of(self, "read")
        bills = moves.filtered(lambda m: m.move_type in PURCHASE_TYPES)
        if bills:
            bills.check_access("write")
            bills._ai_check(safe=False)
        return True

    def _ai_check(self, safe=True, propose=False, today=None):
        """Check these vendor bills against their history and store the findings.

        ``safe``: a failing check is logged on the bill (``ai_check_state`` "error") instead of raising,
        so saving a draft is never blocked by the check. ``propose``: also propose expense accounts
        for the lines of draft bills (and apply the confident ones, as the policy says).
        :return: {move id: [finding dicts of the core]}
        """
        bills = self.filtered(lambda m: m.move_type in PURCHASE_TYPES)
        if not bills:
            return {}
        # checked now: the check queued by their line changes is not needed any more (forgotten before the
        # savepoint, whose opening flushes the cursor and would run it)
        forget_before_commit(bills, CHECK_QUEUE)
        try:
            with self.env.cr.savepoint():
                return bills._ai_check_unsafe(propose=propose, today=today)
        except CONCURRENCY_ERRORS:
            # another transaction changed these bills: Odoo retries the whole request (or the next run of
            # the scheduled action takes them up); storing an "error" state here would be false
            raise
        except Exception as exc:  # noqa: BLE001 - the check must never block saving a bill
            if not safe:
                raise
            _logger.exception("AI bill check failed on %s", bills.ids)
            bills.sudo().with_context(ai_invoice_check_skip=True).write({
                "ai_check_state": "error", "ai_check_error": str(exc)[:250],
                "ai_checked_on": fields.Datetime.now()})
            return {}

    def _ai_check_unsafe(self, propose=False, today=None):
        started = time.monotonic()
        env = self.env
        env.flush_all()
        su = env(su=True)
        rows = bill_data.read_bill_rows(su, self.ids)
        history_ids = bill_data.history_move_ids(su, rows)
        history_rows = bill_data.read_bill_rows(su, sorted(history_ids - set(rows)))
        history_rows.update(rows)
        bills = [row for row in history_rows.values()]
        partners = {row["partner"] for row in rows.values() if row["partner"]}
        ibans = {bill_data._flat_iban(row["iban"]) for row in rows.values()} - {""}
        history = History(
            bills,
            purchase_lines=bill_data.read_purchase_lines(su, list(rows.values())),
            partner_banks=bill_data.read_partner_banks(su, partners, ibans),
            decisions=bill_data.read_decisions(su, partners, {row["company"] for row in rows.values()}),
            today=today or fields.Date.context_today(self),
        )
        results = {}
        policies = env["ai.invoice.check.policy"]._for_companies(self.company_id)
        for move in self:
            row = rows.get(move.id)
            if row is None:
                continue
            policy = policies[move.company_id.id]
            core_policy = {"checks": policy._enabled_kinds(), "today": today or fields.Date.context_today(self)}
            if move.move_type == "in_refund":
                core_policy["checks"] = [k for k in core_policy["checks"] if k in ("duplicate", "bank_account",
                                                                                     "currency")]
            results[move.id] = checks.check_bill(row, history, core_policy)
        self._ai_store_findings(rows, results, policies)
        if propose:
            self.filtered(lambda m: m.state == "draft")._ai_propose_accounts(rows, policies)
        _logger.debug("AI bill check of %d bills (%d in history) in %.3fs", len(self), len(bills),
                      time.monotonic() - started)
        return results

    def _ai_store_findings(self, rows, results, policies):
        """Store the findings and the check's summary on the bills, writing only what changed: a check
        that finds what is already stored (the same bills checked again, by two users at once or by a
        user and the scheduled action) writes nothing, so simultaneous checks never conflict. "Checked
        on" is refreshed when something changed, else once it is more than an hour old."""
        Finding = self.env["ai.invoice.finding"].sudo()
        now = fields.Datetime.now()
        stale = now - timedelta(hours=1)
        vals, obsolete = [], Finding.browse()
        changed = set()
        for move in self:
            policy = policies[move.company_id.id]
            lines = rows.get(move.id, {}).get("lines", [])
            mine = []
            for finding in results.get(move.id, []):
                line_index = finding.get("line")
                line_id = lines[line_index]["aml_id"] if isinstance(line_index, int) and line_index < len(lines) \
                    else False
                other = finding.get("other_id")
                mine.append({
                    "move_id": move.id, "kind": finding["kind"], "severity": finding["severity"],
                    "template_key": finding["template_key"], "values": finding["values"],
                    "args": _jsonable(finding.get("args") or {}),
                    "expected": finite(finding.get("expected")), "low": finite(finding.get("low")),
                    "high": finite(finding.get("high")), "score": finite(finding.get("score")),
                    "line_id": line_id, "other_move_id": other if isinstance(other, int) else False,
                    "compared_ids": [i for i in finding.get("compared_ids") or [] if isinstance(i, int)][:50],
                    "raw": _jsonable(finding.get("raw") or {}),
                    "needs_approval": policy._action_for(finding["severity"]) == "approval",
                })
            stored = move.sudo().ai_finding_ids
            if sorted(_finding_signature(v) for v in mine) != sorted(
                    _finding_signature(_finding_vals(f)) for f in stored):
                obsolete |= stored
                vals.extend(mine)
                changed.add(move.id)
        if obsolete:
            obsolete.unlink()
        if vals:
            Finding.create(vals)
        for move in self:
            found = results.get(move.id, [])
            worst = max((SEVERITY_RANK[f["severity"]] for f in found), default=0)
            high = sum(1 for f in found if f["severity"] == "high")
            warning = sum(1 for f in found if f["severity"] == "warning")
            summary = {
                "ai_check_state": {0: "ok", 1: "info", 2: "warning", 3: "high"}[worst],
                "ai_to_verify": bool(high or warning), "ai_finding_count": len(found), "ai_high_count": high,
                "ai_warning_count": warning, "ai_check_error": False,
            }
            update = {key: value for key, value in summary.items() if move[key] != value}
            if update or move.id in changed or not move.ai_checked_on or move.ai_checked_on < stale:
                update["ai_checked_on"] = now
                move.sudo().with_context(ai_invoice_check_skip=True).write(update)
        self._ai_update_approval()
        self.invalidate_recordset(["alerts", "ai_policy_action"])

    # ------------------------------------------------------------------------------------------
    # Policy: warn, require approval, block

    def _ai_approval_key(self):
        self.ensure_one()
        keys = sorted({f"{f.kind}:{f.template_key}:{f.line_id.id or ''}:{f.other_move_id.id or ''}"
                       for f in self.ai_finding_ids if f.needs_approval})
        return "|".join(keys)

    def _ai_update_approval(self):
        """Ask an accounting manager to approve bills whose findings need it; drop stale requests."""
        activity_type = self.env.ref("ai_invoice_check.mail_activity_type_ai_bill_approval", raise_if_not_found=False)
        for move in self.sudo():
            key = move._ai_approval_key()
            if not key:
                if move.ai_approval_state == "pending":
                    move._ai_close_approval_activities(activity_type, feedback=False)
                if move.ai_approval_state != "none":
                    move.with_context(ai_invoice_check_skip=True).write({"ai_approval_state": "none"})
                continue
            if move.ai_approval_state == "approved" and set(key.split("|")) <= set(
                    (move.ai_approval_key or "").split("|")):
                continue
            move.with_context(ai_invoice_check_skip=True).write(
                {"ai_approval_state": "pending", "ai_approved_by_id": False, "ai_approved_on": False})
            if activity_type and move.state == "draft":
                move._ai_schedule_approval(activity_type)

    def _ai_schedule_approval(self, activity_type):
        self.ensure_one()
        managers = self.env.ref("account.group_account_manager").all_user_ids.filtered(
            lambda u: self.company_id in u.company_ids and not u.share and u.active)
        others = managers - self.create_uid - self.env.user
        user = (others or managers)[:1]
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("The AI check asks for a second person to approve this bill before it is posted:"),
            Markup("").join(Markup("<li>%s</li>") % f.message for f in self.ai_finding_ids if f.needs_approval))
        existing = self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        if existing:
            existing.write({"note": note})
            return
        self.activity_schedule(activity_type_id=activity_type.id, user_id=user.id or self.env.uid, note=note,
                               summary=self.env._("Approve bill: AI check findings"))

    def _ai_close_approval_activities(self, activity_type, feedback):
        activities = self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        if not activities:
            return
        if feedback:
            activities.action_feedback(feedback=feedback)
        else:
            activities.unlink()

    def _ai_enforce_policy(self):
        problems = []
        policies = self.env["ai.invoice.check.policy"]._for_companies(self.company_id)
        for move in self:
            policy = policies[move.company_id.id]
            blocking = move.ai_finding_ids.filtered(lambda f, p=policy: p._action_for(f.severity) == "block")
            if blocking:
                problems.append(self.env._(
                    "%(bill)s cannot be posted: %(findings)s. Correct the bill, or have the findings marked as "
                    "expected.", bill=move.display_name, findings="; ".join(blocking.mapped("message"))))
                continue
            if move.ai_approval_state == "pending":
                problems.append(self.env._(
                    "%(bill)s waits for the approval of an accounting manager: %(findings)s.",
                    bill=move.display_name,
                    findings="; ".join(move.ai_finding_ids.filtered("needs_approval").mapped("message"))))
        if problems:
            raise UserError("\n".join(problems))

    def action_ai_approve(self):
        """An accounting manager, other than the person who entered the bill, approves its findings."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only an accounting manager can approve a bill's AI findings."))
        activity_type = self.env.ref("ai_invoice_check.mail_activity_type_ai_bill_approval", raise_if_not_found=False)
        for move in self:
            if move.ai_approval_state != "pending":
                continue
            if move.create_uid == self.env.user and not self.env.is_superuser():
                raise UserError(self.env._(
                    "%s was entered by you: another accounting manager must approve it.", move.display_name))
            findings = move.ai_finding_ids.filtered("needs_approval")
            move.sudo().with_context(ai_invoice_check_skip=True).write({
                "ai_approval_state": "approved", "ai_approval_key": move._ai_approval_key(),
                "ai_approved_by_id": self.env.uid, "ai_approved_on": fields.Datetime.now()})
            text = "; ".join(findings.mapped("message"))
            if activity_type:
                move.sudo()._ai_close_approval_activities(activity_type, feedback=self.env._("Approved: %s", text))
            move.message_post(body=self.env._("AI check findings approved by %(user)s: %(findings)s",
                                              user=self.env.user.name, findings=text))
        return True

    # ------------------------------------------------------------------------------------------
    # Banner, as Odoo's own alerts on the bill form

    def _get_alerts(self):
        alerts = super()._get_alerts()
        if self.move_type not in PURCHASE_TYPES:
            return alerts
        level = {"high": "danger", "warning": "warning", "info": "info"}
        is_manager = self.env.user.has_group("account.group_account_manager")
        for finding in self.ai_finding_ids.sorted(lambda f: (-f.severity_rank, -f.score)):
            alert = {"level": level[finding.severity], "message": finding.message}
            if self.state == "draft" and (is_manager or (finding.severity != "high" and finding.kind != "bank_account")):
                alert.update(action_text=self.env._("Expected"),
                             action_call=("ai.invoice.finding", "action_mark_expected", finding.ids))
            alerts[f"ai_invoice_check_{finding.id}"] = alert
        if self.ai_approval_state == "pending":
            alert = {"level": "danger",
                     "message": self.env._("The AI check findings above must be approved by an accounting manager "
                                           "before this bill is posted.")}
            if is_manager:
                alert.update(action_text=self.env._("Approve"), action_call=("account.move", "action_ai_approve",
                                                                              self.ids))
            alerts["ai_invoice_check_approval"] = alert
        elif self.ai_check_state == "error":
            alerts["ai_invoice_check_error"] = {
                "level": "info", "message": self.env._("The AI check could not run: %s", self.ai_check_error)}
        return alerts

    # ------------------------------------------------------------------------------------------
    # Scheduled action and integrations

    @api.model
    def _cron_ai_check_draft_bills(self, batch_size=200):
        """Check draft vendor bills again (new bills arrived, decisions were taken): company by company,
        each in its own context; a bill being saved by a user right now is skipped (next run)."""
        stats = {"processed": 0, "failed": 0, "skipped": 0, "errors": {}}
        for company in self.env["res.company"].sudo().search([]):
            # a scheduled action (private method, not callable over RPC) works as the system on each company
            moves = self.sudo().with_company(company).with_context(allowed_company_ids=company.ids)
            drafts = moves.search([("move_type", "in", PURCHASE_TYPES), ("state", "=", "draft"),
                                   ("company_id", "=", company.id)], order="id")
            done = process_in_batches(drafts, lambda batch: batch._ai_check(safe=False), batch_size=batch_size,
                                      label="AI bill check", lock=True)
            for key in ("processed", "failed", "skipped"):
                stats[key] += done[key]
            stats["errors"].update(done["errors"])
        return stats

    @api.model
    def ai_check_bills(self, bill_ids, **options):
        """XML-RPC / JSON-RPC: check the given vendor bills now and return their findings.

        :param bill_ids: list of ids (at most 10,000) of vendor bills or refunds the caller may change;
            other moves are reported as ``not_a_bill``
        :raises UserError: ``bill_ids`` is not a list of positive ids, or too long
        :raises AccessError: an id does not exist or is not visible to the caller (one message for both),
            or the caller may not change the bills (e.g. the accounting read-only group)
        :return: list of ``{"id", "name", "state": "ok"|"info"|"warning"|"high"|"error"|"not_a_bill",
            "approval": "none"|"pending"|"approved", "findings": [{"kind", "severity", "message",
            "expected", "low", "high", "line_id", "other_bill_id", "compared_bill_ids"}]}``
        """
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        moves = rpc.checked_records(self, bill_ids, "read", arg="bill_ids")
        bills = moves.filtered(lambda m: m.move_type in PURCHASE_TYPES)
        # the findings are stored on the bills: only a caller who may change them may check them
        bills.check_access("write")
        bills._ai_check(safe=True)
        out = []
        for move in moves:
            if move.move_type not in PURCHASE_TYPES:
                out.append({"id": move.id, "name": move.display_name, "state": "not_a_bill", "approval": "none",
                            "findings": []})
                continue
            out.append({
                "id": move.id, "name": move.display_name, "state": move.ai_check_state,
                "approval": move.ai_approval_state,
                "findings": [{
                    "kind": f.kind, "severity": f.severity, "message": f.message, "expected": f.expected,
                    "low": f.low, "high": f.high, "line_id": f.line_id.id or False,
                    "other_bill_id": f.other_move_id.id or False, "compared_bill_ids": f.compared_ids or [],
                } for f in move.ai_finding_ids],
            })
        return out

    def action_ai_open_findings(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("AI findings"),
            "res_model": "ai.invoice.finding",
            "view_mode": "list,form",
            "domain": [("move_id", "in", self.ids)],
        }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _normalised(value):
    """A finding's value as stored and read back: no nulls inside objects, floats to 6 decimals."""
    if isinstance(value, dict):
        return {str(k): _normalised(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [False if v is None else _normalised(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def _finding_vals(finding):
    """The values of a stored finding, in the shape the check writes them."""
    return {
        "kind": finding.kind, "severity": finding.severity, "template_key": finding.template_key,
        "values": finding["values"] or {}, "args": finding.args or {}, "expected": finding.expected,
        "low": finding.low, "high": finding.high,
        "score": finding.score, "line_id": finding.line_id.id or False, "other_move_id": finding.other_move_id.id or False,
        "compared_ids": list(finding.compared_ids or []), "raw": finding.raw or {},
        "needs_approval": finding.needs_approval,
    }


def _finding_signature(vals):
    """What makes two findings the same, compared at the precision the fields store."""
    return json.dumps([
        vals["kind"], vals["severity"], vals["template_key"], _normalised(vals.get("values") or {}),
        _normalised(vals.get("args") or {}),
        round(vals.get("expected") or 0.0, 2), round(vals.get("low") or 0.0, 2), round(vals.get("high") or 0.0, 2),
        round(vals.get("score") or 0.0, 3), vals.get("line_id") or False, vals.get("other_move_id") or False,
        list(vals.get("compared_ids") or []), _normalised(vals.get("raw") or {}), bool(vals.get("needs_approval")),
    ], sort_keys=True, default=str)
