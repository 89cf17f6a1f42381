"""Two transactions at once: a scheduled action never waits for, fails on, or overwrites a record a
user is saving right now, and a safe wrapper never hides a serialization failure."""
from contextlib import contextmanager

from psycopg2 import errors as pg_errors

from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from odoo.addons.ai_base.batching import lock_unlocked, process_in_batches, run_before_commit


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # committed partners: the other connection sees them (records created in the test do not exist
        # for it)
        cls.partners = cls.env["res.partner"].search([("id", "in", [cls.env.ref("base.main_partner").id,
                                                                    cls.env.ref("base.partner_admin").id])])

    @contextmanager
    def _other_transaction(self):
        """A second, real connection to the same database: what another user's request is."""
        cr = db_connect(self.env.cr.dbname).cursor()
        try:
            # never hang the test run if this test's own transaction holds the row
            cr.execute("SET LOCAL lock_timeout = '5s'")
            yield cr
        finally:
            cr.rollback()
            cr.close()

    def test_rows_held_by_another_transaction_are_skipped(self):
        held = self.env.ref("base.main_partner")
        self.assertEqual(len(self.partners), 2)
        with self._other_transaction() as other:
            other.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [held.id])
            self.assertEqual(lock_unlocked(self.partners), self.partners - held)
            seen = []
            stats = process_in_batches(self.partners, lambda batch: seen.extend(batch.ids), batch_size=10,
                                       label="test", lock=True)
            self.assertEqual(stats["skipped"], 1)
            self.assertEqual(stats["processed"], 1)
            self.assertEqual(seen, (self.partners - held).ids)
        # the other transaction ended: the next run takes the record up
        seen = []
        stats = process_in_batches(self.partners, lambda batch: seen.extend(batch.ids), batch_size=10,
                                   label="test", lock=True)
        self.assertEqual((stats["processed"], stats["skipped"]), (2, 0))
        self.assertEqual(sorted(seen), sorted(self.partners.ids))

    def test_without_lock_nothing_is_skipped(self):
        stats = process_in_batches(self.partners, lambda batch: None, batch_size=10, label="test")
        self.assertEqual((stats["processed"], stats["skipped"]), (2, 0))

    def test_serialization_failure_is_raised_not_counted(self):
        def conflict(batch):
            raise pg_errors.SerializationFailure("could not serialize access due to concurrent update")

        with self.assertRaises(pg_errors.SerializationFailure):
            process_in_batches(self.partners, conflict, batch_size=10, label="test")

        def ordinary(batch):
            raise ValueError("bad record")

        stats = process_in_batches(self.partners, ordinary, batch_size=10, label="test")
        self.assertEqual((stats["processed"], stats["failed"]), (0, 2))

    def test_work_before_commit_raises_serialization_failure(self):
        def conflict(records):
            raise pg_errors.SerializationFailure("could not serialize access due to concurrent update")

        self.env.flush_all()
        run_before_commit(self.partners, "ai_base.test_concurrency", conflict)
        # the work runs when the transaction flushes: the failure reaches the caller (Odoo's request
        # retry) instead of being logged and forgotten
        # (no assertRaises: Odoo's opens a savepoint, which flushes, hence runs the work, before it)
        raised = None
        try:
            self.env.cr.flush()
        except pg_errors.SerializationFailure as exc:
            raised = exc
        finally:
            self.env.cr.precommit.clear()
        self.assertIsInstance(raised, pg_errors.SerializationFailure)
