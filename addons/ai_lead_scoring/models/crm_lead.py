import concurrent.futures
import json
import logging
import math
import time
from datetime import timedelta

import numpy as np
import pytz
import requests

from odoo import _, api, fields, models
from odoo.tools import SQL, html2plaintext
from odoo.tools.misc import formatLang

from odoo.addons.ai_base import rpc
from odoo.addons.ai_base.batching import CONCURRENCY_ERRORS, process_in_batches
from odoo.addons.ai_base.tools import split_every
from odoo.addons.ai_base.fields import Json

from ..engagement import Attempt, best_channel, best_time, classify_outcome, draft_followup
from ..scoring import FeatureSpec, InsufficientHistory, Scorer, train
from .lead_features import (CATEGORICAL, EXCHANGE, MULTI, NUMERIC, TEXT, feature_labels, id_filter,
                            read_exchanges, read_lead_features)

_logger = logging.getLogger(__name__)

MODEL_KIND = "lead_scoring"
BANDS = [(75, "A"), (50, "B"), (25, "C"), (0, "D")]
MINUS = "\u2212"
TREND_POINTS = 3  # a change of at least this many points is a trend
REPLY_WINDOW = timedelta(hours=72)  # an email "reached" the prospect when a reply came within this window
# fields whose change makes a lead worth rescoring at once
SCORING_TRIGGER_FIELDS = {"source_id", "medium_id", "campaign_id", "country_id", "lang_id", "team_id", "user_id",
                          "expected_revenue", "email_from", "phone", "tag_ids", "description", "partner_id",
                          "stage_id"}


def band_of(score):
    return next(band for floor, band in BANDS if score >= floor)


BAND_OF_SCORE = [band_of(score) for score in range(101)]   # scores are 0-100: a lookup per lead


def reasons_json(reasons, encoded):
    """``json.dumps`` of a lead's reasons, each reason's description encoded once per batch (they recur)."""
    parts = []
    for r in reasons:
        key = (r.get("feature"), r["label"])
        try:
            text = encoded[key]
        except KeyError:
            text = encoded[key] = json.dumps({k: v for k, v in r.items() if k != "points"})[1:-1]
        points = r["points"]
        points = repr(points) if type(points) is float and math.isfinite(points) else json.dumps(points)
        parts.append('{%s, "points": %s}' % (text, points))
    return "[" + ", ".join(parts) + "]"


def reason_label(env, reason, labels):
    """A reason of a lead's score in the reader's language: "Source : Website", "Délai de réponse
    (heures) : 19,1" (the stored ``label`` is in the language the model was trained in)."""
    if reason.get("code") == "native":
        return env._("Not enough won/lost history for the AI model yet: Odoo's own probability is shown")
    feature, kind = reason.get("feature"), reason.get("kind")
    name = labels.get(feature)
    if not name or kind not in ("categorical", "numeric", "multi", "text"):
        return reason.get("label") or ""
    value = reason.get("value")
    if kind == "categorical":
        shown = str(value) if value not in (None, False, "") else env._("not set")
    elif kind == "numeric":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
            shown = formatLang(env, value, digits=digits)
        else:
            shown = env._("not set")
    elif kind == "multi":
        values = [str(v) for v in value or []]
        shown = ", ".join(values[:3]) + ("…" if len(values) > 3 else "") if values else env._("none")
    else:
        shown = env._("%(count)s words", count=value) if value else env._("empty")
    return env._("%(feature)s: %(value)s", feature=name, value=shown)


def _reason_value(value):
    """A reason's value as stored (JSON): numbers rounded, lists of text, nothing numpy."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value][:5]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = float(value)
        return round(value, 3) if math.isfinite(value) else None
    return str(value)[:80]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    ai_score = fields.Integer("AI Score", readonly=True, copy=False, aggregator="avg",
                              help="Learned probability (0-100) that this lead converts, from your own won/lost history")
    ai_probability = fields.Float("AI Probability", readonly=True, copy=False, digits=(5, 2), aggregator="avg")
    ai_band = fields.Selection([("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")], "AI Band", readonly=True,
                               copy=False, help="A: 75-100, B: 50-74, C: 25-49, D: 0-24")
    ai_score_previous = fields.Integer("Previous AI Score", readonly=True, copy=False)
    ai_trend = fields.Selection([("up", "Rising"), ("flat", "Stable"), ("down", "Falling")], "AI Trend",
                                readonly=True, copy=False)
    ai_reasons = Json("AI Reasons", readonly=True, copy=False)
    ai_reasons_text = fields.Text("Why this score", compute="_compute_ai_reasons_text")
    ai_scored_on = fields.Datetime("Score updated on", readonly=True, copy=False)
    ai_model_version = fields.Integer("Model version", readonly=True, copy=False,
                                      help="0: not enough history yet, Odoo's own probability is shown")
    ai_best_weekday = fields.Selection([(str(i), day) for i, day in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])],
        "Best weekday", readonly=True, copy=False)
    ai_best_hour_start = fields.Integer("Best hour from", readonly=True, copy=False)
    ai_best_hour_end = fields.Integer("Best hour to", readonly=True, copy=False)
    ai_best_time_evidence = fields.Integer("Best time evidence", readonly=True, copy=False,
                                           help="Past attempts on this prospect behind the best time")
    ai_best_time = fields.Char("Best time", compute="_compute_ai_best_time")
    ai_best_channel = fields.Char("Best channel", readonly=True, copy=False,
                                  help="email, phone, linkedin or activity_<id> for another activity type")
    ai_best_channel_label = fields.Char("Best channel ", compute="_compute_ai_best_time")
    ai_best_channel_evidence = fields.Integer("Best channel evidence", readonly=True, copy=False)
    ai_last_exchange = fields.Datetime("Last exchange", readonly=True, copy=False)
    ai_followup_subject = fields.Char("Follow-up subject", readonly=True, copy=False)
    ai_followup_draft = fields.Text("Follow-up draft", readonly=True, copy=False)
    ai_followup_kind = fields.Selection([("email", "Email"), ("call_script", "Call script"),
                                         ("message", "Message")], readonly=True, copy=False)

    # ------------------------------------------------------------------------------------------
    # Display

    @api.depends("ai_reasons", "ai_model_version")
    @api.depends_context("lang")
    def _compute_ai_reasons_text(self):
        labels = self._ai_feature_labels()
        for lead in self:
            lines = []
            for reason in lead.ai_reasons or []:
                points = reason.get("points") or 0
                label = reason_label(self.env, reason, labels)
                if abs(points) >= 0.5:
                    sign = "+" if points > 0 else MINUS
                    lines.append(f"{label} {sign}{abs(round(points))}")
                else:
                    lines.append(label)
            lead.ai_reasons_text = "\n".join(lines)

    @api.depends("ai_best_weekday", "ai_best_hour_start", "ai_best_hour_end", "ai_best_channel")
    @api.depends_context("lang")
    def _compute_ai_best_time(self):
        weekday_labels = dict(self._fields["ai_best_weekday"]._description_selection(self.env))
        channel_labels = {"email": _("Email"), "phone": _("Phone"), "linkedin": _("LinkedIn"),
                          "meeting": _("Meeting")}
        for lead in self:
            if lead.ai_best_weekday:
                lead.ai_best_time = _("%(day)s %(start)s\u2013%(end)s (their time)",
                                      day=weekday_labels[lead.ai_best_weekday], start=lead.ai_best_hour_start,
                                      end=lead.ai_best_hour_end)
            else:
                lead.ai_best_time = False
            channel = lead.ai_best_channel or ""
            if channel.startswith("activity_"):
                activity_type = self.env["mail.activity.type"].browse(int(channel.split("_")[1])).exists()
                lead.ai_best_channel_label = activity_type.name or channel
            else:
                lead.ai_best_channel_label = channel_labels.get(channel, channel) or False

    # ------------------------------------------------------------------------------------------
    # Training

    def _ai_feature_labels(self):
        """{feature: its name in the reader's language}, for the reasons of a score; other modules
        add their features' names."""
        return feature_labels(self.env)

    def _ai_feature_spec(self):
        """The features the model learns from; other modules extend it (and ``_ai_read_features``)."""
        return FeatureSpec(categorical=CATEGORICAL, numeric=NUMERIC, multi=MULTI, text=TEXT,
                           labels=feature_labels(self.env))

    @api.model
    def _ai_read_features(self, lead_ids):
        """One row per lead id (a DataFrame indexed by id) with the columns of ``_ai_feature_spec``,
        read set-based for the whole batch. Extend it to add columns (e.g. crm_erp_bridge's ERP facts)."""
        return read_lead_features(self.env, lead_ids)

    @api.model
    def _ai_train_company(self, company, min_per_class=None):
        """Train the company's model (and one per sales team with enough history) on closed leads."""
        icp = self.env["ir.config_parameter"].sudo()
        min_per_class = min_per_class or int(icp.get_param("ai_lead_scoring.min_per_class", 50))
        # "auto": the core compares a few half-lives on the newest leads; a number: that many days; 0: none
        half_life = icp.get_param("ai_lead_scoring.recency_half_life_days", "auto") or "auto"
        half_life = half_life if half_life == "auto" else (float(half_life) or None)
        self.env.cr.execute(SQL(
            "SELECT id, team_id, won_status, EXTRACT(EPOCH FROM COALESCE(date_closed, write_date)) / 86400 "
            "FROM crm_lead WHERE company_id = %s AND won_status IN ('won', 'lost') ORDER BY id", company.id))
        rows = self.env.cr.fetchall()
        results = self.env["ai.trained.model"]
        scopes = [("", [r for r in rows])]
        by_team = {}
        for row in rows:
            by_team.setdefault(row[1], []).append(row)
        for team_id, team_rows in by_team.items():
            won = sum(r[2] == "won" for r in team_rows)
            if team_id and won >= min_per_class and len(team_rows) - won >= min_per_class and len(by_team) > 1:
                scopes.append((f"team:{team_id}", team_rows))
        for scope, scope_rows in scopes:
            results |= self._ai_train_scope(company, scope, scope_rows, min_per_class, half_life)
        return results

    def _ai_train_scope(self, company, scope, rows, min_per_class, half_life):
        Model = self.env["ai.trained.model"]
        team = self.env["crm.team"].browse(int(scope.split(":")[1])) if scope else None
        name = _("Lead scoring \u2014 %s", team.name) if team else _("Lead scoring \u2014 %s", company.name)
        ids = [r[0] for r in rows]
        start = time.monotonic()
        try:
            frame = self._ai_read_features(ids) if ids else None
            if frame is None:
                raise InsufficientHistory(0, 0, min_per_class)
            frame = frame.loc[ids]
            y = (frame["won_status"] == "won").astype(int).to_numpy()
            order = [r[3] for r in rows]
            payload, metrics = train(frame, y, order, self._ai_feature_spec(), min_per_class=min_per_class,
                                     recency_half_life=half_life)
        except InsufficientHistory as exc:
            note = _("Not enough closed history to learn from (%(won)s won, %(lost)s lost; at least %(min)s of each "
                     "are needed). Odoo's own probability is kept.", won=exc.n_won, lost=exc.n_lost, min=min_per_class)
            return Model._store(MODEL_KIND, name, None, scope=scope, company=company, n_samples=len(ids),
                                state="insufficient", note=note,
                                metrics={"n_won": exc.n_won, "n_lost": exc.n_lost})
        return Model._store(MODEL_KIND, name, payload, scope=scope, company=company, metrics=metrics,
                            n_samples=len(ids), train_seconds=time.monotonic() - start)

    @api.model
    def _cron_ai_retrain_models(self):
        for company in self.env["res.company"].search([]):
            try:
                with self.env.cr.savepoint():
                    self.with_company(company)._ai_train_company(company)
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - one company's failure must not stop the others
                _logger.exception("Lead scoring: training failed for company %s", company.name)
        # rescoring is the rescoring job's work: triggered rather than run here, so that the two never
        # write the same leads at the same time
        rescore = self.env.ref("ai_lead_scoring.ir_cron_ai_rescore_leads", raise_if_not_found=False)
        if rescore and rescore.active:
            rescore._trigger()
        else:
            self._cron_ai_rescore_leads()

    # ------------------------------------------------------------------------------------------
    # Scoring

    def _ai_scorers(self, company):
        """{scope: (trained model record, Scorer)} of the company's models in use."""
        models_ = self.env["ai.trained.model"].sudo().search([("kind", "=", MODEL_KIND), ("state", "=", "active"),
                                                              ("company_id", "=", company.id)])
        scorers = {}
        for model in models_:
            try:
                scorers[model.scope] = (model, Scorer(model._load_payload()))
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                # an unreadable model never stops scoring: its leads keep Odoo's probability
                _logger.warning("Lead scoring: model %s (id %s) cannot be loaded, not used: %s",
                                model.display_name, model.id, str(exc)[:200])
        return scorers

    def _ai_compute_scores(self):
        """Score these leads; returns {lead id: dict(score, probability, band, reasons, version)}."""
        return self._ai_scores_from_inputs(self._ai_scoring_inputs())

    def _ai_scoring_inputs(self):
        """Everything scoring these leads needs from the database (features, each lead's model, Odoo's
        probability where there is no model yet), as plain data for :meth:`_ai_scores_from_inputs`."""
        groups, native = [], {}
        frame = self._ai_read_features(self.ids)
        for company_id, company_frame in frame.groupby("company_id", dropna=False):
            company = self.env["res.company"].browse(int(company_id)) if company_id == company_id else self.env.company
            scorers = self._ai_scorers(company)
            # each lead is scored by its team's model when the team has one, else by the company's
            team_scope = "team:" + company_frame["team_id"].fillna(0).astype(int).astype(str)
            scope = team_scope.where(team_scope.isin(list(scorers)), "")
            for scope_key, part in company_frame.groupby(scope):
                if scope_key not in scorers:
                    native.update(self._ai_native_scores(part.index))
                    continue
                model, scorer = scorers[scope_key]
                groups.append((part, scorer, model.version))
        return {"groups": groups, "native": native}

    @staticmethod
    def _ai_scores_from_inputs(inputs):
        """The scores of :meth:`_ai_scoring_inputs`' leads: pure computation, no database access
        (the nightly run computes one batch in a thread while the previous one is written)."""
        results = dict(inputs["native"])
        for part, scorer, version in inputs["groups"]:
            probabilities, reasons = scorer.predict_explain(part, top=3)
            scores = np.rint(probabilities * 100).astype(int).tolist()
            percents = [round(x, 2) for x in (probabilities * 100).tolist()]
            for lead_id, score, percent, lead_reasons in zip(part.index.tolist(), scores, percents, reasons):
                results[lead_id] = {
                    "score": score, "probability": percent, "band": BAND_OF_SCORE[min(max(score, 0), 100)],
                    "version": version,
                    "reasons": [{"feature": r["feature"], "kind": r["kind"], "value": _reason_value(r.get("value")),
                                 "label": r["label"], "points": round(r["points"], 1)} for r in lead_reasons],
                }
        return results

    def _ai_native_scores(self, lead_ids):
        """Not enough history yet: keep Odoo's own probability and say so."""
        note = _("Not enough won/lost history for the AI model yet: Odoo's own probability is shown")
        results = {}
        for lead in self.browse([int(i) for i in lead_ids]):
            score = int(round(lead.probability or 0))
            results[lead.id] = {"score": score, "probability": float(lead.probability or 0), "band": band_of(score),
                                "version": 0, "reasons": [{"code": "native", "label": note, "points": 0}]}
        return results

    def _ai_write_scores(self, results):
        """Write scores with one UPDATE, skipping rows another transaction holds (they are picked up next run)."""
        if not results:
            return []
        write_probability = self.env["ir.config_parameter"].sudo().get_param("ai_lead_scoring.write_probability")
        ids = list(results)
        encoded = {}
        # one array per column: cheap to send, whatever the number of leads
        values = SQL("unnest(%s::int[], %s::int[], %s::float8[], %s::varchar[], %s::jsonb[], %s::int[])",
                     ids, [r["score"] for r in results.values()], [r["probability"] for r in results.values()],
                     [r["band"] for r in results.values()], [reasons_json(r["reasons"], encoded) for r in results.values()],
                     [r["version"] for r in results.values()])
        probability = SQL(
            ", probability = CASE WHEN v.version > 0 AND l.won_status = 'pending' THEN v.prob ELSE l.probability END"
        ) if write_probability else SQL()
        self.env.flush_all()
        # lock only the rows whose score changes, skipping those another transaction holds: the nightly
        # run neither waits for nor conflicts with a salesperson editing a lead (it is picked up next run);
        # the ids' range lets the planner reach the batch's rows by index (it cannot count an unnest)
        self.env.cr.execute(
            SQL(
                """
            WITH v AS (SELECT * FROM %(values)s AS v(id, score, prob, band, reasons, version)),
            changed AS (
                SELECT l.id FROM crm_lead l JOIN v ON v.id = l.id
                 WHERE l.id BETWEEN %(lo)s AND %(hi)s
                   AND (l.ai_score IS DISTINCT FROM v.score OR l.ai_band IS DISTINCT FROM v.band
                    OR l.ai_model_version IS DISTINCT FROM v.version OR l.ai_reasons IS DISTINCT FROM v.reasons)
                   FOR UPDATE OF l SKIP LOCKED
            )
            UPDATE crm_lead l
               SET ai_score_previous = l.ai_score,
                   ai_trend = CASE WHEN l.ai_score IS NULL THEN 'flat'
                                   WHEN v.score - l.ai_score >= %(t)s THEN 'up'
                                   WHEN l.ai_score - v.score >= %(t)s THEN 'down' ELSE 'flat' END,
                   ai_score = v.score, ai_probability = v.prob, ai_band = v.band, ai_reasons = v.reasons,
                   ai_model_version = v.version, ai_scored_on = now() AT TIME ZONE 'UTC' %(probability)s
              FROM v
             WHERE l.id = v.id AND l.id BETWEEN %(lo)s AND %(hi)s AND l.id IN (SELECT id FROM changed)
         RETURNING l.id
            """,
                t=TREND_POINTS,
                values=values,
                probability=probability,
                lo=min(ids),
                hi=max(ids),
            )
        )
        written = [row[0] for row in self.env.cr.fetchall()]
        fnames = ["ai_score_previous", "ai_trend", "ai_score", "ai_probability", "ai_band", "ai_reasons",
                  "ai_model_version", "ai_scored_on"] + (["probability"] if write_probability else [])
        self.browse(written).invalidate_recordset(fnames)
        return written

    def _ai_rescore(self):
        """Score these leads now and write the result (deleted ids are simply not found by the feature read)."""
        if not self:
            return []
        leads = self.sudo()
        return leads._ai_write_scores(leads._ai_compute_scores())

    @api.model
    def _ai_open_leads_domain(self):
        return [("won_status", "=", "pending"), ("active", "=", True)]

    @api.model
    def _ai_by_company(self, domain):
        """[(leads of ``domain``, in their company's own context)] for each company, then the leads
        without a company (in the scheduled action's own company), so that a scheduled action works on
        each company's records as that company."""
        parts = []
        for company in self.env["res.company"].sudo().search([]):
            model = self.sudo().with_company(company).with_context(allowed_company_ids=company.ids)
            parts.append(model.search(domain + [("company_id", "=", company.id)], order="id"))
        parts.append(self.sudo().search(domain + [("company_id", "=", False)], order="id"))
        return [leads for leads in parts if leads]

    @staticmethod
    def _ai_add_stats(stats, done):
        for key in ("processed", "failed", "skipped"):
            stats[key] = stats.get(key, 0) + done.get(key, 0)
        stats.setdefault("errors", {}).update(done.get("errors", {}))
        if done.get("interrupted"):
            stats["interrupted"] = True
        return stats

    @api.model
    def _cron_ai_rescore_leads(self):
        """Nightly: rescore every open lead and opportunity, company by company, in batches; a bad lead is
        logged and skipped, a lead being saved by a user right now is left for the next run."""
        # scoring is vectorised: large batches (one read, one predict, one write each) are much cheaper
        batch = int(self.env["ir.config_parameter"].sudo().get_param("ai_lead_scoring.batch_size", 5000) or 5000)
        stats = {"processed": 0, "failed": 0, "skipped": 0, "errors": {}}
        for leads in self._ai_by_company(self._ai_open_leads_domain()):
            self._ai_add_stats(stats, leads._ai_rescore_pipelined(max(batch, 1)))
        return stats

    def _ai_rescore_pipelined(self, batch_size):
        """Rescore these leads batch by batch, each batch scored in a thread while the database writes
        the previous one (the two cores of a small server both work: Python scores, PostgreSQL writes).
        Reads and writes stay in this thread, each write in its own savepoint; a batch whose reading,
        scoring or writing fails is redone lead by lead, so a bad lead is logged, counted and skipped.

        :return: dict with ``processed``, ``failed`` counts and ``errors`` (lead id -> message)
        """
        stats = {"processed": 0, "failed": 0, "skipped": 0, "errors": {}}
        remaining = len(self)

        def write(batch, future):
            nonlocal remaining
            remaining -= len(batch)
            try:
                results = future.result()
                step = lambda b: b._ai_write_scores({i: results[i] for i in b.ids if i in results})  # noqa: E731
            except Exception:  # noqa: BLE001 - reading or scoring this batch failed: lead by lead below
                _logger.info("Lead scoring: a batch of %s leads failed, scoring it lead by lead", len(batch))
                step = lambda b: b._ai_rescore()  # noqa: E731
            done = process_in_batches(batch, step, batch_size=len(batch), label="Lead scoring",
                                      remaining_after=remaining, lock=True)
            self._ai_add_stats(stats, done)
            return not done.get("interrupted")

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pending = None
            for ids in split_every(batch_size, self.ids):
                batch = self.browse(ids)
                try:
                    with self.env.cr.savepoint():
                        inputs = batch._ai_scoring_inputs()
                    future = pool.submit(self._ai_scores_from_inputs, inputs)
                except Exception as exc:  # noqa: BLE001 - handled when the batch is written
                    future = concurrent.futures.Future()
                    future.set_exception(exc)
                if pending is not None and not write(*pending):
                    pending = None
                    break
                pending = (batch, future)
            if pending is not None:
                write(*pending)
        if stats["failed"]:
            _logger.warning("Lead scoring: %d processed, %d failed", stats["processed"], stats["failed"])
        return stats

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._ai_rescore_safely()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if SCORING_TRIGGER_FIELDS.intersection(vals) and not self.env.context.get("ai_no_rescore"):
            self._ai_rescore_safely()
        return result

    def _ai_rescore_safely(self):
        """Rescore after a relevant change; never blocks the user's save."""
        if self.env.context.get("ai_no_rescore") or self.env.context.get("install_mode"):
            return
        try:
            with self.env.cr.savepoint():
                self._ai_rescore()
        except CONCURRENCY_ERRORS:
            raise   # Odoo retries the whole request
        except Exception:  # noqa: BLE001 - scoring must never prevent saving a lead
            _logger.exception("Lead scoring: rescoring leads %s after a change failed", self.ids)

    # ------------------------------------------------------------------------------------------
    # Engagement: best time, best channel, follow-up draft

    def _ai_timezone(self):
        self.ensure_one()
        tz = self.partner_id.tz or (self.country_id.code and pytz.country_timezones.get(self.country_id.code, [None])[0])
        tz = tz or self.user_id.tz or self.company_id.partner_id.tz or "UTC"
        try:
            return pytz.timezone(tz)
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    @api.model
    def _ai_attempts(self, exchanges, timezones):
        """Turn exchanges into contact attempts: {lead id: [Attempt]} in each prospect's local time."""
        by_lead = {}
        for lead_id, date, outgoing, channel, body in exchanges:
            by_lead.setdefault(lead_id, []).append((date, outgoing, channel, body))
        attempts = {}
        for lead_id, rows in by_lead.items():
            tz = timezones.get(lead_id, pytz.utc)
            out = []
            for index, (date, outgoing, channel, body) in enumerate(rows):
                if not outgoing:
                    continue
                if channel == "email":  # an email reached the prospect when a reply followed
                    success = any(not o and date < d <= date + REPLY_WINDOW for d, o, _c, _b in rows[index + 1:])
                else:  # a logged call, meeting, LinkedIn message...: its note says whether it reached them
                    success = classify_outcome(html2plaintext(body or ""))
                local = pytz.utc.localize(date).astimezone(tz)
                out.append(Attempt(channel, local.weekday(), local.hour, success))
            attempts[lead_id] = out
        return attempts

    def _ai_refresh_engagement(self):
        """Best time, best channel and follow-up draft of these leads, written in one UPDATE."""
        leads = self.exists()
        if not leads:
            return
        company_leads = self.sudo().search([("company_id", "in", leads.company_id.ids)])
        exchanges = read_exchanges(self.env, company_leads.ids)
        touched = {row[0] for row in exchanges} | set(leads.ids)
        context_leads = self.sudo().browse(list(touched))
        timezones = {lead.id: lead._ai_timezone() for lead in context_leads}
        attempts = self._ai_attempts(exchanges, timezones)
        group_key = {lead.id: (lead.country_id.id, lead.source_id.id) for lead in context_leads}
        groups, everyone = {}, []
        for lead_id, lead_attempts in attempts.items():
            groups.setdefault(group_key.get(lead_id), []).extend(lead_attempts)
            everyone.extend(lead_attempts)
        last_incoming = {}
        last_any = {}
        for lead_id, date, outgoing, _channel, body in exchanges:
            last_any[lead_id] = date
            if not outgoing:
                last_incoming[lead_id] = (date, body)
        now = fields.Datetime.now()
        rows = []
        for lead in leads:
            own = attempts.get(lead.id, [])
            group = [a for a in groups.get(group_key.get(lead.id), []) if a not in own] if own else groups.get(
                group_key.get(lead.id), [])
            voice = [a for a in own if a.channel == "phone"], [a for a in group if a.channel == "phone"], \
                [a for a in everyone if a.channel == "phone"]
            when = best_time(*voice) if any(voice) else best_time(own, group, everyone)
            channel = best_channel([a for a in own if a.channel != "meeting"],
                                   [a for a in group if a.channel != "meeting"],
                                   [a for a in everyone if a.channel != "meeting"])
            last = last_any.get(lead.id) or lead.create_date
            incoming = last_incoming.get(lead.id)
            facts = {
                "lang": lead.lang_id.code or lead.partner_id.lang or lead.company_id.partner_id.lang,
                "channel": (channel or {}).get("channel", "email"),
                "prospect": lead.partner_name or lead.partner_id.commercial_partner_id.name or lead.name,
                "contact": lead.contact_name or (lead.partner_id.name if not lead.partner_id.is_company else ""),
                "salesperson": lead.user_id.name, "company": lead.company_id.name, "topic": lead.name,
                "need": html2plaintext(lead.description or ""),
                "products": lead._ai_quoted_products(),
                "days_quiet": max((now - last).days, 0) if last else None,
                "last_incoming": html2plaintext(incoming[1] or "") if incoming else None,
                "last_incoming_days": max((now - incoming[0]).days, 0) if incoming else None,
                "best_time": when,
            }
            draft = draft_followup(facts)
            rows.append((lead.id, str(when["weekday"]) if when else None, when["start_hour"] if when else 0,
                         when["end_hour"] if when else 0, when["evidence"] if when else 0,
                         channel["channel"] if channel else None, channel["evidence"] if channel else 0,
                         last, draft["subject"], draft["body"], draft["kind"]))
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            UPDATE crm_lead l SET ai_best_weekday = v.wd, ai_best_hour_start = v.hs, ai_best_hour_end = v.he,
                   ai_best_time_evidence = v.te, ai_best_channel = v.ch, ai_best_channel_evidence = v.ce,
                   ai_last_exchange = v.last, ai_followup_subject = v.subj, ai_followup_draft = v.body,
                   ai_followup_kind = v.kind
              FROM (VALUES %s) AS v(id, wd, hs, he, te, ch, ce, last, subj, body, kind)
             WHERE l.id = v.id
               AND l.id IN (SELECT id FROM crm_lead WHERE %s FOR UPDATE SKIP LOCKED)
            """,
            SQL(", ").join(SQL("(%s, %s, %s::int, %s::int, %s::int, %s, %s::int, %s::timestamp, %s, %s, %s)", *row)
                           for row in rows),
            id_filter(SQL("id"), [row[0] for row in rows])))
        leads.invalidate_recordset(["ai_best_weekday", "ai_best_hour_start", "ai_best_hour_end",
                                    "ai_best_time_evidence", "ai_best_channel", "ai_best_channel_evidence",
                                    "ai_last_exchange", "ai_followup_subject", "ai_followup_draft",
                                    "ai_followup_kind"])

    def _ai_quoted_products(self):
        """Products on this opportunity's quotations (when Sales is installed)."""
        self.ensure_one()
        if "order_ids" not in self._fields:
            return []
        return self.order_ids.order_line.product_id.mapped("display_name")

    @api.model
    def _cron_ai_refresh_engagement(self):
        stats = {}
        for leads in self._ai_by_company(self._ai_open_leads_domain() + [("type", "=", "opportunity")]):
            self._ai_add_stats(stats, process_in_batches(leads, lambda b: b._ai_refresh_engagement(), batch_size=500,
                                                         label="Lead engagement", lock=True))
        return stats

    # ------------------------------------------------------------------------------------------
    # Automatic follow-up

    def _ai_next_slot(self, now=None):
        """The next date (in the prospect's time zone) matching the best weekday, as a date."""
        self.ensure_one()
        tz = self._ai_timezone()
        local = pytz.utc.localize(now or fields.Datetime.now()).astimezone(tz)
        if not self.ai_best_weekday:
            return (local + timedelta(days=1)).date()
        days = (int(self.ai_best_weekday) - local.weekday()) % 7
        if days == 0 and local.hour >= (self.ai_best_hour_end or 18):
            days = 7
        return (local + timedelta(days=days)).date()

    def _ai_activity_type(self):
        self.ensure_one()
        channel = self.ai_best_channel or "email"
        if channel.startswith("activity_"):
            found = self.env["mail.activity.type"].browse(int(channel.split("_")[1])).exists()
            if found:
                return found
        xmlids = {"phone": "mail.mail_activity_data_call", "linkedin": "ai_lead_scoring.mail_activity_type_linkedin"}
        return self.env.ref(xmlids.get(channel, "mail.mail_activity_data_email"), raise_if_not_found=False) \
            or self.env.ref("mail.mail_activity_data_todo")

    @api.model
    def _ai_quiet_leads(self, now=None):
        """Open opportunities with no exchange for their team's number of days and nothing planned."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT l.id FROM crm_lead l
         LEFT JOIN crm_team t ON t.id = l.team_id
             WHERE l.active AND l.type = 'opportunity' AND l.won_status = 'pending' AND l.user_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM mail_activity a WHERE a.res_model = 'crm.lead' AND a.res_id = l.id
                                AND a.active)
               AND COALESCE((SELECT max(mm.date) FROM mail_message mm WHERE mm.model = 'crm.lead' AND mm.res_id = l.id
                              AND %s), l.create_date)
                   < %s - make_interval(days => COALESCE(NULLIF(t.ai_quiet_days, 0), 7))
          ORDER BY l.id
            """, EXCHANGE, now))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _cron_ai_followup(self):
        """Plan a follow-up for every prospect gone quiet: at the best time, through the best channel, with the draft."""
        quiet = self.sudo()._ai_quiet_leads()
        stats = {}
        for leads in self._ai_by_company([("id", "in", quiet.ids)]):
            self._ai_add_stats(stats, process_in_batches(leads, lambda b: b._ai_plan_followup(), batch_size=200,
                                                         label="Lead follow-up", lock=True))
        return stats

    def _ai_plan_followup(self):
        self._ai_refresh_engagement()
        auto_send = self.env["ir.config_parameter"].sudo().get_param("ai_lead_scoring.auto_send_email")
        for lead in self:
            activity_type = lead._ai_activity_type()
            note = (lead.ai_followup_draft or "").replace("\n", "<br/>")
            summary = _("Follow-up: %s", lead.ai_best_time) if lead.ai_best_time else _("Follow-up")
            lead.activity_schedule(activity_type_id=activity_type.id, date_deadline=lead._ai_next_slot(),
                                   summary=summary, note=note, user_id=lead.user_id.id)
            if auto_send and lead.ai_followup_kind == "email" and (lead.email_from or lead.partner_id.email):
                lead.message_post(subject=lead.ai_followup_subject, body=note, message_type="comment",
                                  subtype_xmlid="mail.mt_comment",
                                  partner_ids=lead.partner_id.ids)

    # ------------------------------------------------------------------------------------------
    # User actions

    def action_ai_rescore(self):
        leads = rpc.records_of(self, "write")
        leads._ai_rescore()
        leads._ai_refresh_engagement()
        return True

    def action_ai_explain(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.lead", "res_id": self.id, "view_mode": "form",
            "views": [(self.env.ref("ai_lead_scoring.crm_lead_view_form_ai_why").id, "form")],
            "target": "new", "name": _("Why this score?"),
        }

    def _ai_llm_rewrite(self, subject, body):
        """Optionally rewrite a draft with an OpenAI-compatible endpoint (Settings; off by default).

        Any failure keeps the offline draft: the language model is a nicety, never a dependency."""
        icp = self.env["ir.config_parameter"].sudo()
        endpoint = (icp.get_param("ai_lead_scoring.llm_endpoint") or "").rstrip("/")
        if not endpoint:
            return body
        lang = self.lang_id.name or self.partner_id.lang or "English"
        payload = {
            "model": icp.get_param("ai_lead_scoring.llm_model") or "default",
            "temperature": 0.3,
            "messages": [
                {"role": "system", "content": "You rewrite sales follow-up drafts. Keep every fact, name, date and "
                                              "product; keep the language (%s); be warm and brief. Answer with the "
                                              "rewritten text only." % lang},
                {"role": "user", "content": f"Subject: {subject}\n\n{body}"},
            ],
        }
        headers = {"Content-Type": "application/json"}
        api_key = icp.get_param("ai_lead_scoring.llm_api_key")
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        try:
            response = requests.post(f"{endpoint}/chat/completions", json=payload, headers=headers, timeout=20)
            response.raise_for_status()
            text = response.json()["choices"][0]["message"]["content"].strip()
            return text or body
        except Exception as exc:  # noqa: BLE001 - any failure keeps the offline draft
            _logger.warning("Lead scoring: language model rewrite failed (%s), keeping the offline draft", exc)
            return body

    def action_ai_followup(self):
        """Open the mail composer with the drafted email, or log the call script."""
        self.ensure_one()
        rpc.records_of(self, "read")
        if not self.ai_followup_draft:
            self.check_access("write")      # the draft is stored on the lead
            self._ai_refresh_engagement()
        if self.ai_followup_kind == "email":
            body = self._ai_llm_rewrite(self.ai_followup_subject, self.ai_followup_draft or "")
            return {
                "type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
                "target": "new", "name": _("Follow-up"),
                "context": {"default_model": "crm.lead", "default_res_ids": self.ids,
                            "default_composition_mode": "comment", "default_subject": self.ai_followup_subject,
                            "default_body": body.replace("\n", "<br/>"),
                            "default_partner_ids": self.partner_id.ids},
            }
        self.message_post(body=(self.ai_followup_draft or "").replace("\n", "<br/>"),
                          subject=self.ai_followup_subject, message_type="comment", subtype_xmlid="mail.mt_note")
        return True

    # ------------------------------------------------------------------------------------------
    # XML-RPC / JSON-RPC API

    def _ai_readable(self, lead_ids, operation="read"):
        """The leads of ``lead_ids`` (ids from outside) checked for ``operation`` by the caller: a missing
        id and an id the caller may not see get the same AccessError."""
        return rpc.checked_records(self, lead_ids, operation, arg="lead_ids")

    @api.model
    def ai_score_leads(self, lead_ids, **options):
        """Score the given leads now and return their scores.

        :param lead_ids: list of crm.lead ids the caller may read
        :return: list of {id, score (0-100), probability (%), band (A-D), trend, previous_score,
                 reasons [{label, points}], model_version (0 = not enough history, Odoo's probability)}
        """
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        leads = self._ai_readable(lead_ids, "write")   # the new scores are stored on the leads
        leads.sudo()._ai_rescore()
        return [{"id": lead.id, "score": lead.ai_score, "probability": lead.ai_probability, "band": lead.ai_band,
                 "trend": lead.ai_trend, "previous_score": lead.ai_score_previous, "reasons": lead._ai_reasons_read(),
                 "model_version": lead.ai_model_version} for lead in leads.sudo()]

    @api.model
    def ai_explain(self, lead_ids, **options):
        """Reasons of the current score of each lead: list of {id, score, reasons [{label, points}], text}."""
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        leads = self._ai_readable(lead_ids)
        return [{"id": lead.id, "score": lead.ai_score, "reasons": lead._ai_reasons_read(),
                 "text": lead.ai_reasons_text or ""} for lead in leads.sudo()]

    def _ai_reasons_read(self):
        """The lead's reasons for a caller: ``[{"label" (in the caller's language), "points", "feature"}]``."""
        self.ensure_one()
        labels = self._ai_feature_labels()
        return [{"label": reason_label(self.env, r, labels), "points": r.get("points") or 0,
                 "feature": r.get("feature") or r.get("code") or False} for r in self.ai_reasons or []]

    @api.model
    def ai_next_best_action(self, lead_ids, **options):
        """When, how and what to send next: list of {id, channel, best_time, best_weekday, best_hours,
        evidence, days_quiet, draft {kind, subject, body}}; False where a value is unknown."""
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        leads = self._ai_readable(lead_ids, "write")   # the best time and draft are stored on the leads
        leads.sudo()._ai_refresh_engagement()
        now = fields.Datetime.now()
        result = []
        for lead in leads.sudo():
            result.append({
                "id": lead.id, "channel": lead.ai_best_channel or "email", "best_time": lead.ai_best_time or "",
                # False, not None, where there is no value: XML-RPC cannot carry None
                "best_weekday": int(lead.ai_best_weekday) if lead.ai_best_weekday else False,
                "best_hours": [lead.ai_best_hour_start, lead.ai_best_hour_end] if lead.ai_best_weekday else False,
                "evidence": lead.ai_best_time_evidence,
                "days_quiet": (now - lead.ai_last_exchange).days if lead.ai_last_exchange else False,
                "draft": {"kind": lead.ai_followup_kind, "subject": lead.ai_followup_subject,
                          "body": lead.ai_followup_draft},
            })
        return result
