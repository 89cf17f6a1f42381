from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..fields import Json

from ..rpc import reader_env, records_of
from ..tools.serialize import dumps_model, loads_model


class AiTrainedModel(models.Model):
    """One trained version of one AI model (lead scoring, bill checks, forecasts...).

    Each AI module stores what it learned here, as JSON data that cannot execute code when
    loaded, with the figures a manager needs to trust it: when, on how much data, how accurate.
    Storing a new version archives the previous active one of the same kind and scope.
    """

    _name = "ai.trained.model"
    _description = "AI trained model"
    _order = "kind, scope, version desc"
    _rec_name = "display_name"

    kind = fields.Char(required=True, index=True, readonly=True,
                       help="Technical family of the model, e.g. lead_scoring")
    scope = fields.Char(default="", readonly=True,
                        help="What the model was trained for within its company, e.g. a sales team")
    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 index=True, readonly=True)
    version = fields.Integer(required=True, default=1, readonly=True)
    active = fields.Boolean(default=True)
    state = fields.Selection([("active", "In use"), ("insufficient", "Not enough history"),
                              ("archived", "Replaced")], required=True, default="active", readonly=True)
    trained_on = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    train_seconds = fields.Float(readonly=True, digits=(16, 2))
    n_samples = fields.Integer("Samples", readonly=True)
    metrics = Json(readonly=True, help="Accuracy figures measured on held-out data")
    metrics_summary = fields.Text(compute="_compute_metrics_summary")
    payload = fields.Binary(attachment=True, readonly=True,
                            help="The learned parameters, as compressed JSON")
    note = fields.Text(readonly=True)

    _kind_scope_version_unique = models.Constraint(
        "UNIQUE(kind, scope, company_id, version)",
        "A trained model version is stored once per kind, scope and company.",
    )

    #: what users may change on a stored model (its label and whether it is archived); everything else is
    #: set by training (``_store``), never replaced from outside
    _USER_WRITABLE = frozenset({"name", "active"})

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(reader_env(self.env)._(
                "Trained models are stored by their training: retrain the model instead."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - self._USER_WRITABLE:
            raise AccessError(reader_env(self.env)._("Only the name of a trained model can be changed; retrain it "
                                                     "to replace what it learned."))
        return super().write(vals)

    @api.depends("kind", "scope", "version", "name")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = f"{rec.name} v{rec.version}"

    @api.depends("metrics")
    def _compute_metrics_summary(self):
        for rec in self:
            metrics = rec.metrics or {}
            lines = [f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}"
                     for key, value in metrics.items() if not isinstance(value, (dict, list))]
            calibration = [row for row in metrics.get("calibration") or [] if isinstance(row, dict)]
            if calibration:
                lines.append("")
                lines.append("calibration (decile: predicted / observed, n)")
                lines += [f"  {row.get('decile')}: {row.get('predicted', 0):.3f} / {row.get('observed', 0):.3f}, "
                          f"{row.get('n')}" for row in calibration]
            rec.metrics_summary = "\n".join(lines)

    @api.model
    def _store(self, kind, name, payload, *, metrics=None, scope="", company=None, n_samples=0,
               train_seconds=0.0, state="active", note=False):
        """Store a new version and retire the previous one of the same kind/scope/company."""
        company = company or self.env.company
        previous = self.sudo().with_context(active_test=False).search(
            [("kind", "=", kind), ("scope", "=", scope or ""), ("company_id", "=", company.id)],
            order="version desc", limit=1)
        current = self.sudo().search([("kind", "=", kind), ("scope", "=", scope or ""),
                                      ("company_id", "=", company.id), ("state", "=", "active")])
        record = self.sudo().create({
            "kind": kind, "scope": scope or "", "name": name, "company_id": company.id,
            "version": (previous.version or 0) + 1, "metrics": metrics or {}, "n_samples": n_samples,
            "train_seconds": train_seconds, "state": state, "note": note,
            "payload": dumps_model(payload) if payload is not None else False,
        })
        if state == "active":
            current.write({"state": "archived", "active": False})
        return record

    @api.model
    def _get_active(self, kind, scope="", company=None):
        company = company or self.env.company
        return self.sudo().search([("kind", "=", kind), ("scope", "=", scope or ""),
                                   ("company_id", "=", company.id), ("state", "=", "active")],
                                  order="version desc", limit=1)

    def _load_payload(self):
        self.ensure_one()
        return loads_model(self.sudo().payload)

    def action_retrain(self):
        """Retrain the model of this record's kind; each AI module plugs in ``_retrain_<kind>``. Only a
        manager of the model's app (who may change the record) retrains it."""
        for rec in records_of(self, "write"):
            method = getattr(rec, f"_retrain_{rec.kind}", None)
            if method is None:
                raise UserError(self.env._("No training procedure is installed for models of kind %s.", rec.kind))
            method()
        return True
