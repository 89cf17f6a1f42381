"""Supplier bill documents checked before anything reads them: from the web client's upload (the
bills list, the journal's dashboard) and from ``ai_import_bill_documents`` over XML-RPC / JSON-RPC.

A file that is too large, not a PDF/XML/PNG/JPEG/TIFF by its content, a decompression bomb,
encrypted, corrupt or empty gets its own message in the user's language; the other files of the
same upload are imported; a refused file leaves nothing behind (no attachment, no empty bill).
The checks themselves are the pure-Python ``..reading.intake``.
"""
import logging

from PIL import Image

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from odoo.addons.ai_base import rpc

from ..reading import intake

_logger = logging.getLogger(__name__)

MAX_DOCUMENT_PARAM = "ai_invoice_check.max_document_mb"
#: documents accepted in one ``ai_import_bill_documents`` call
MAX_DOCUMENTS = 100
PURCHASE_MOVE_TYPES = ("in_invoice", "in_refund", "in_receipt")


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited  # one file per feature

    @api.model
    def _ai_max_document_bytes(self):
        """The size cap of one bill document (setting, megabytes; default 20)."""
        raw = self.env["ir.config_parameter"].sudo().get_param(MAX_DOCUMENT_PARAM)
        try:
            megabytes = float(raw) if raw not in (None, False, "") else intake.DEFAULT_MAX_MB
        except (TypeError, ValueError):
            megabytes = intake.DEFAULT_MAX_MB
        if not megabytes > 0:
            megabytes = intake.DEFAULT_MAX_MB
        return int(megabytes * 1_000_000)

    @api.model
    def _ai_intake_message(self, error, filename):
        """``file name: reason`` (see :meth:`_ai_intake_reason`)."""
        env = rpc.reader_env(self.env)
        return env._("%(file)s: %(reason)s", file=filename, reason=self._ai_intake_reason(error))

    @api.model
    def _ai_intake_reason(self, error):
        """The user's sentence for an :class:`~..reading.intake.IntakeError` (codes, never sentences,
        come from the core)."""
        env = rpc.reader_env(self.env)
        values = error.values

        def megabytes(value):
            return formatLang(env, value or 0.0, digits=1)

        code = error.code
        if code == "empty":
            text = env._("The file is empty.")
        elif code == "bad_base64":
            text = env._("The file's content is not valid base64 text.")
        elif code == "too_large":
            text = env._("The file is %(size)s MB; at most %(max)s MB are accepted per file.",
                         size=megabytes(values.get("size_mb")), max=megabytes(values.get("max_mb")))
        elif code == "unknown_type":
            text = env._("This is not a PDF, an XML e-invoice or a PNG, JPEG or TIFF image (its content was "
                         "checked, not its name).")
        elif code == "encrypted_pdf":
            text = env._("The PDF is protected by a password: ask the supplier for an unprotected copy, or "
                         "save it again without its password.")
        elif code == "corrupt_pdf":
            text = env._("The PDF is damaged and cannot be opened.")
        elif code == "too_many_pages":
            text = env._("The PDF has %(pages)s pages; a bill has at most %(max)s.",
                         pages=values.get("pages"), max=values.get("max_pages"))
        elif code == "image_too_large":
            text = env._("The image is too large to be read safely (more than %(max)s million pixels).",
                         max=formatLang(env, (values.get("max_pixels") or intake.MAX_PIXELS) / 1e6, digits=0))
        elif code == "corrupt_image":
            text = env._("The image is damaged and cannot be opened.")
        elif code == "bad_xml":
            text = env._("The XML file is not well-formed, or declares entities (refused for safety).")
        else:
            text = env._("The file cannot be imported.")
        return text

    @api.model
    def _ai_check_intake(self, data, filename):
        """``(info, None)`` for a document that may be read, ``(None, error)`` otherwise."""
        try:
            return intake.check_document(data, max_bytes=self._ai_max_document_bytes()), None
        except intake.IntakeError as error:
            return None, error

    # ------------------------------------------------------------------------------------------
    # XML-RPC / JSON-RPC

    @api.model
    def ai_import_bill_documents(self, documents, journal_id=False):
        """XML-RPC / JSON-RPC: create draft vendor bills from documents, as a drop on the bills list.

        :param documents: ``[{"name": "bill.pdf", "datas": base64 text}]`` (PDF, XML e-invoice, PNG,
            JPEG or TIFF; at most :data:`MAX_DOCUMENTS` per call, each within the size setting)
        :param journal_id: a purchase journal of the caller's companies (default: the current
            company's first one)
        :return: one entry per bill created, ``{"id", "name", "file", "read_state", "partner_id",
            "ref", "invoice_date", "amount_total", "check_state"}``, and one per refused document,
            ``{"file", "error": code, "message": sentence in the caller's language}``
        :raises UserError: ``documents`` is not a list of ``{"name", "datas"}``, too many documents,
            no purchase journal
        :raises AccessError: the caller may not create bills, or may not see the journal
        """
        self = self.with_env(rpc.reader_env(self.env))  # noqa: PLW0642 - answer in the caller's language
        env = self.env
        if not isinstance(documents, (list, tuple)):
            raise UserError(env._('documents must be a list of files, such as [{"name": "bill.pdf", '
                                  '"datas": "<base64>"}]; got %(value)s.', value=rpc._shown(documents)))
        if len(documents) > MAX_DOCUMENTS:
            raise UserError(env._("At most %(max)s documents per call (%(count)s given): split them into several "
                                  "calls.", max=MAX_DOCUMENTS, count=len(documents)))
        for doc in documents:
            if not isinstance(doc, dict) or not isinstance(doc.get("datas"), (str, bytes)) \
                    or not isinstance(doc.get("name", ""), (str, bool)):
                raise UserError(env._('Each document must be {"name": "bill.pdf", "datas": "<base64>"}; got '
                                      '%(value)s.', value=rpc._shown(doc)))
        journal = self._ai_import_journal(journal_id)
        self.check_access("create")
        max_bytes = self._ai_max_document_bytes()
        refused, accepted = [], []
        for index, doc in enumerate(documents):
            name = (doc.get("name") or "").strip() or env._("document %(number)s", number=index + 1)
            try:
                data = intake.decode_base64(doc["datas"], max_bytes=max_bytes)
                info = intake.check_document(data, max_bytes=max_bytes)
            except intake.IntakeError as error:
                refused.append({"file": name, "error": error.code, "message": self._ai_intake_message(error, name)})
                continue
            accepted.append({"name": name, "raw": data, "mimetype": info["mimetype"]})
        moves = self._ai_import_accepted(journal, accepted, refused)
        out = []
        for move in moves:
            files = [a.name for a in env["ir.attachment"].search([("res_model", "=", "account.move"),
                                                                  ("res_id", "=", move.id)])]
            out.append({"id": move.id, "name": move.display_name, "file": ", ".join(files) or False,
                        "read_state": move.ai_read_state, "partner_id": move.partner_id.id or False,
                        "ref": move.ref or False, "invoice_date": fields.Date.to_string(move.invoice_date) or False,
                        "amount_total": move.amount_total, "check_state": move.ai_check_state})
        return out + refused

    @api.model
    def _ai_import_journal(self, journal_id):
        env = self.env
        journal_id = rpc.id_argument(env, journal_id, arg="journal_id")
        Journal = env["account.journal"]
        if journal_id:
            journal = rpc.checked_records(Journal, [journal_id], "read", arg="journal_id")
            if journal.company_id not in env.companies:
                raise rpc.not_found(Journal, [journal_id])
        else:
            journal = Journal.search([*Journal._check_company_domain(env.company), ("type", "=", "purchase")],
                                     limit=1)
        if not journal or journal.type != "purchase":
            raise UserError(env._("Give a purchase journal (journal_id) of your company."))
        return journal

    @api.model
    def _ai_import_accepted(self, journal, accepted, refused):
        """Bills from the accepted documents, all in one import (Odoo groups an XML e-invoice with its
        PDF). No savepoint around it: Odoo's document import commits the transaction itself around each
        decoder (``rollbackable_transaction``), and keeps a document it cannot decode as a bill with
        the reason in its chatter; any other error ends the whole call, so nothing is half-created."""
        if not accepted:
            return self.browse()
        # as the web client's upload: attachments of no record yet; the import links them to their bill
        attachments = self.env["ir.attachment"].create([dict(f) for f in accepted])
        return journal.with_context(default_move_type="in_invoice")._create_document_from_attachment(attachments.ids)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _postprocess_contents(self, values):
        """Odoo resizes uploaded images; a decompression bomb (a small file claiming billions of pixels)
        makes Pillow refuse it with a raw error: say it in the user's language instead."""
        try:
            return super()._postprocess_contents(values)
        except Image.DecompressionBombError:
            error = intake.IntakeError("image_too_large", pixels=None, max_pixels=intake.MAX_PIXELS)
            raise UserError(self.env["account.move"]._ai_intake_message(error, values.get("name") or "?")) from None


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _ai_is_purchase_upload(self):
        if self:
            return all(journal.type == "purchase" for journal in self)
        return self.env.context.get("default_move_type") in PURCHASE_MOVE_TYPES

    def create_document_from_attachment(self, attachment_ids):
        """The web client's upload of bills: each file is checked first; a refused file is deleted (it
        was uploaded for this import only) and named in a notification, the others are imported."""
        if not self._ai_is_purchase_upload() or not isinstance(attachment_ids, (list, tuple)):
            return super().create_document_from_attachment(attachment_ids)
        Move = self.env["account.move"].with_env(rpc.reader_env(self.env))
        attachments = self.env["ir.attachment"].browse(attachment_ids).exists()
        notes, bad = {}, self.env["ir.attachment"]
        for attachment in attachments:
            _info, error = Move._ai_check_intake(attachment.raw or b"", attachment.name)
            if error:
                notes[attachment.name or "?"] = Move._ai_intake_reason(error)
                bad |= attachment
        if bad:
            _logger.info("Bill upload: %d of %d files refused", len(bad), len(attachments))
            try:
                bad.unlink()
            except AccessError:  # an attachment the user could not delete stays as it was uploaded
                _logger.info("Bill upload: refused attachments %s kept (no right to delete them)", bad.ids)
        good = attachments - bad
        if not good:
            return {
                "type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": Move.env._("No bill imported"),
                           "message": "\n".join(Move.env._("%(file)s: %(reason)s", file=name, reason=reason)
                                                for name, reason in notes.items()),
                           "type": "danger", "sticky": True},
            }
        action = super().create_document_from_attachment(good.ids)
        if notes:
            context = dict(action.get("context") or {})
            context["notifications"] = dict(context.get("notifications") or {}, **notes)
            action["context"] = context
        return action
