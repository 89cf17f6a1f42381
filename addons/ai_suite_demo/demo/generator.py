"""Orchestrates the demo history: settings, random streams, batched writes, timing, errors."""

import logging
import os
import random
import time
from datetime import date, timedelta

from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

SEED = 1907
HISTORY_DAYS = 3 * 365
DEMO_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "mail_create_nosubscribe": True,
    "no_reset_password": True,
    # ai_lead_scoring rescores leads on every create/write; the history is scored by its cron
    "ai_no_rescore": True,
}
_PG_ARRAY_TYPES = {
    "int": SQL("int[]"),
    "float": SQL("float8[]"),
    "numeric": SQL("numeric[]"),
    "date": SQL("date[]"),
    "timestamp": SQL("timestamp[]"),
    "text": SQL("text[]"),
    "bool": SQL("bool[]"),
}


def post_init_hook(env):
    DemoGenerator.from_environment(env).run()


class DemoGenerationError(Exception):
    """A section of the demo history failed: the install stops rather than leaving half a database."""


class DemoGenerator:
    """Builds the whole history; each section reads what the previous ones stored on ``self``."""

    def __init__(self, env, anchor, scale, seed=SEED):
        self.env = env(context=dict(env.context, **DEMO_CONTEXT))
        self.anchor = anchor
        self.scale = scale
        self.seed = seed
        self.start = anchor - timedelta(days=HISTORY_DAYS)
        self.company = self.env.ref("base.main_company")
        self.stats = {}
        self.sql_seconds = 0.0

    @classmethod
    def from_environment(cls, env):
        """Anchor date from AI_SUITE_DEMO_TODAY (YYYY-MM-DD, default today); scale from
        AI_SUITE_DEMO_SCALE (default 1.0, or 0.1 when Odoo runs with --test-enable)."""
        raw_today = os.environ.get("AI_SUITE_DEMO_TODAY")
        try:
            anchor = date.fromisoformat(raw_today) if raw_today else date.today()
        except ValueError as exc:
            raise DemoGenerationError(f"AI_SUITE_DEMO_TODAY={raw_today!r} is not a YYYY-MM-DD date") from exc
        raw_scale = os.environ.get("AI_SUITE_DEMO_SCALE")
        if raw_scale:
            try:
                scale = float(raw_scale)
            except ValueError as exc:
                raise DemoGenerationError(f"AI_SUITE_DEMO_SCALE={raw_scale!r} is not a number") from exc
            if not 0 < scale <= 10:
                raise DemoGenerationError(f"AI_SUITE_DEMO_SCALE={raw_scale!r} must lie in ]0, 10]")
        else:
            scale = 0.1 if config["test_enable"] else 1.0
        return cls(env, anchor, scale)

    # ----------------------------------------------------------------------------------------
    # Running

    def sections(self):
        from . import ai, bills, catalog, company, crm, sales, stock

        return [
            ("company", company.generate),
            ("crm", crm.generate),
            ("sales", sales.generate),
            ("catalog", catalog.generate),
            ("stock", stock.generate),
            ("bills", bills.generate),
            ("ai", ai.generate),
        ]

    def run(self):
        _logger.info(
            "AI suite demo: generating %d days of history up to %s at scale %.2f", HISTORY_DAYS, self.anchor, self.scale
        )
        started = time.monotonic()
        for name, generate in self.sections():
            section_start = time.monotonic()
            try:
                generate(self)
                self.env.flush_all()
            except Exception as exc:
                _logger.exception(
                    "AI suite demo: section %r failed after %.1fs; the installation is aborted",
                    name,
                    time.monotonic() - section_start,
                )
                raise DemoGenerationError(f"AI suite demo data: section {name!r} failed: {exc}") from exc
            _logger.info("AI suite demo: section %s done in %.1fs", name, time.monotonic() - section_start)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ai_suite_demo.anchor_date", self.anchor.isoformat())
        params.set_param("ai_suite_demo.scale", repr(self.scale))
        _logger.info(
            "AI suite demo: history generated in %.1fs (%.1fs of it in date-fixing SQL): %s",
            time.monotonic() - started,
            self.sql_seconds,
            ", ".join(f"{key} {value}" for key, value in self.stats.items()),
        )

    # ----------------------------------------------------------------------------------------
    # Helpers for the sections

    def rng(self, stream):
        """An independent, reproducible random stream per purpose."""
        return random.Random(f"{self.seed}|{stream}")

    def count(self, n, minimum=1):
        return max(minimum, int(round(n * self.scale)))

    def log_progress(self, label, done, total, started):
        _logger.info("AI suite demo: %s %d/%d (%.1fs)", label, done, total, time.monotonic() - started)

    def sql_update(self, model, ids, columns):
        """Set stored columns of many rows with one parametrised UPDATE.

        :param model: model name, e.g. ``"crm.lead"``
        :param ids: row ids
        :param columns: {column: (type, values)}, ``type`` a key of ``_PG_ARRAY_TYPES`` and
            ``values`` aligned with ``ids``
        """
        if not ids:
            return
        clock = time.monotonic()
        records = self.env[model]
        self.env.flush_all()
        names = list(columns)
        arrays = [SQL("%s::int[]", list(ids))]
        arrays += [SQL("%s::%s", list(columns[name][1]), _PG_ARRAY_TYPES[columns[name][0]]) for name in names]
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS t SET %s FROM unnest(%s) AS v(%s) WHERE t.id = v.id",
                SQL.identifier(records._table),
                SQL(", ").join(SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in names),
                SQL(", ").join(arrays),
                SQL(", ").join(SQL.identifier(name) for name in ["id", *names]),
            )
        )
        # only these columns changed behind the ORM's back
        records.invalidate_model(names)
        self.sql_seconds += time.monotonic() - clock
