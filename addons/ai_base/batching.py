"""ORM glue: run work over many records in batches so that one bad record never kills a scheduled batch."""
import logging

from psycopg2 import errors as pg_errors
from psycopg2.extensions import TransactionRollbackError

from odoo.exceptions import ConcurrencyError
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from .tools.chunks import split_every

_logger = logging.getLogger(__name__)

#: errors that mean "another transaction got there first": never swallowed by a safe wrapper (the
#: check, scoring or refresh would store a false error state) but raised to Odoo's own retry of the
#: whole request (``odoo.service.model.retrying``), or to the next run of a scheduled action
CONCURRENCY_ERRORS = (TransactionRollbackError, pg_errors.LockNotAvailable, ConcurrencyError)


def lock_unlocked(records):
    """Lock the rows of ``records`` for this transaction, skipping the rows another transaction holds
    (a user saving the same lead, bill or product right now): ``SELECT ... FOR NO KEY UPDATE SKIP
    LOCKED``. The skipped records are left for the next run; nothing waits and nothing fails.

    :return: the records locked (a subset of ``records``, in their order)
    """
    if not records:
        return records
    records.flush_recordset()
    records.env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED",
                               SQL.identifier(records._table), list(records.ids)))
    locked = {row[0] for row in records.env.cr.fetchall()}
    return records.filtered(lambda r: r.id in locked)


def _lock_batch(batch, do_commit, label):
    """:func:`lock_unlocked` for one chunk; a row changed and committed by another transaction since
    ours began cannot be locked in our snapshot (serialization failure): commit (a new snapshot) and
    try once more, else leave the chunk for the next run."""
    env = batch.env
    for attempt in (1, 2):
        try:
            with env.cr.savepoint():
                return lock_unlocked(batch)
        except TransactionRollbackError:
            if not do_commit:
                raise
            if attempt == 2:
                _logger.info("%s: %d records changed meanwhile, left for the next run", label, len(batch))
                break
            env.cr.commit()
    return batch.browse()


def process_in_batches(records, batch_fn, batch_size=500, label="records", commit=True, remaining_after=0,
                       lock=False):
    """Call ``batch_fn(batch)`` on ``records`` in chunks of ``batch_size``.

    A chunk that raises is retried record by record, each inside its own savepoint, so a bad
    record is logged and counted while the others of its chunk are still processed.
    Progress is committed per chunk (through ``ir.cron._commit_progress`` inside a cron) unless
    ``commit`` is false or the registry runs tests.

    ``remaining_after``: records the caller still has to process after these (progress reporting).
    ``lock``: lock each chunk's rows first and skip those another transaction holds
    (:func:`lock_unlocked`, for scheduled actions): they are counted in ``skipped`` and taken up by the
    next run.

    :return: dict with ``processed``, ``failed``, ``skipped`` counts and ``errors`` (record id -> message)
    """
    env = records.env
    # a test cursor must never be committed
    do_commit = commit and not odoo_module.current_test
    stats = {"processed": 0, "failed": 0, "skipped": 0, "errors": {}}
    remaining = len(records)
    for ids in split_every(batch_size, records.ids):
        batch = records.browse(ids)
        if lock:
            locked = _lock_batch(batch, do_commit, label)
            if len(locked) < len(batch):
                stats["skipped"] += len(batch) - len(locked)
                _logger.info("%s: %d records being changed by another transaction, left for the next run",
                             label, len(batch) - len(locked))
            if not locked:
                remaining -= len(batch)
                continue
            batch = locked
        try:
            try:
                with env.cr.savepoint():
                    batch_fn(batch)
            except TransactionRollbackError:
                # another transaction changed these rows since ours began (e.g. two scheduled actions at
                # once): retrying record by record would meet the same; retry the batch once with a fresh
                # snapshot, else leave the rest for the next run
                if not do_commit:
                    raise
                env.cr.commit()
                try:
                    with env.cr.savepoint():
                        batch_fn(batch)
                except TransactionRollbackError:
                    _logger.warning("%s: concurrent updates, %d records left for the next run", label, remaining)
                    stats["interrupted"] = True
                    break
            done = len(batch)
        except CONCURRENCY_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - isolate the faulty record below
            done = 0
            for record in batch:
                try:
                    with env.cr.savepoint():
                        batch_fn(record)
                    done += 1
                except CONCURRENCY_ERRORS:
                    raise
                except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
                    stats["failed"] += 1
                    stats["errors"][record.id] = str(exc)[:500]
                    _logger.warning("%s: %s %s skipped: %s", label, record._name, record.id, exc)
        stats["processed"] += done
        remaining -= len(ids)
        if do_commit:
            env["ir.cron"]._commit_progress(len(batch), remaining=remaining + remaining_after)
    if stats["failed"]:
        _logger.warning("%s: %d processed, %d failed", label, stats["processed"], stats["failed"])
    return stats


def run_before_commit(records, key, callback):
    """Queue ``records`` under ``key``; just before the transaction commits (when the cursor flushes),
    ``callback`` runs once on every record queued under that key, inside a savepoint. A failure is
    logged and never blocks the transaction that changed the records.

    For work to redo after changes made from code in many small steps (lines written one by one,
    reconciliations...): however many changes, the work runs once per transaction.
    """
    ids = [i for i in records.ids if isinstance(i, int)]
    if not ids:
        return
    env = records.env
    data = env.cr.precommit.data
    slot = f"ai_base.before_commit.{key}"
    if slot not in data:
        data[slot] = set()
        model = records._name

        def run():
            queued = data.pop(slot, set())
            targets = env[model].browse(sorted(queued)).exists()
            if not targets:
                return
            try:
                with env.cr.savepoint():
                    callback(targets)
            except CONCURRENCY_ERRORS:
                # the whole transaction must be retried (Odoo's request retry): the rows moved under it
                raise
            except Exception:  # noqa: BLE001 - never block the transaction that changed the records
                _logger.exception("%s: the work queued before commit failed on %s %s", key, model, targets.ids[:20])

        env.cr.precommit.add(run)
    data[slot].update(ids)


def forget_before_commit(records, key):
    """Take ``records`` off the ``key`` queue (the work was just done for them)."""
    queued = records.env.cr.precommit.data.get(f"ai_base.before_commit.{key}")
    if queued:
        queued.difference_update(records.ids)
