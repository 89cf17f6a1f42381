"""Reading supplier bills from their PDF or image, whatever the layout, into the draft bill.

Plugged into Odoo's own document import (``account.document.import.mixin``): a dropped PDF on the
vendor bills list, a PDF received on the purchase journal's mail alias, or one attached to a draft
bill without lines goes through ``_get_edi_decoder``. An embedded XML e-invoice keeps Odoo's own
importer (priority 20); plain PDFs and images get ours (priority 5). The reading itself is the
pure-Python package ``..reading``.
"""
import logging

from markupsafe import Markup

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context, float_compare
from odoo.addons.ai_base.batching import CONCURRENCY_ERRORS
from odoo.addons.ai_base.fields import Json

from .. import reading

_logger = logging.getLogger(__name__)

READ_PRIORITY = 5            # below Odoo's XML importers (UBL/CII: 20)
LOW_CONFIDENCE = 0.6
# bill field -> reading field, for learning from the user's corrections
LEARNED_FIELDS = {"ref": "bill_number", "invoice_date": "bill_date", "invoice_date_due": "due_date"}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp", "image/webp")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class AiBillLayoutMemory(models.Model):
    """Where a supplier prints a field on its bills, learned from a user's correction."""

    _name = "ai.bill.layout.memory"
    _description = "Remembered layout of a supplier's bills"
    _order = "partner_id, id desc"

    partner_id = fields.Many2one("res.partner", "Supplier", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    field = fields.Char(required=True)
    label = fields.Char(help="The label printed next to the value")
    entry = Json(required=True)
    move_id = fields.Many2one("account.move", "Learned from", ondelete="set null")


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited  # one file per feature

    ai_read_state = fields.Selection(
        [("none", "Not read"), ("read", "Read"), ("to_check", "Read, to check"), ("failed", "Not readable")],
        "Document reading", default="none", readonly=True, copy=False)
    ai_read_source = fields.Selection(
        [("xml", "E-invoice (XML)"), ("text", "PDF text"), ("ocr", "OCR"), ("text+ocr", "PDF text and OCR")],
        "Read from", readonly=True, copy=False)
    ai_read_summary = fields.Html("What was read", readonly=True, copy=False, sanitize=True)
    ai_read_result = Json(readonly=True, copy=False)
    ai_read_values = Json(readonly=True, copy=False)
    ai_read_partner_proposal = Json(readonly=True, copy=False)

    # ------------------------------------------------------------------------------------------
    # Odoo's import framework

    def _get_edi_decoder(self, file_data, new=False):
        decoder = super()._get_edi_decoder(file_data, new)
        if decoder:
            return decoder
        mimetype = file_data.get("mimetype") or ""
        if (file_data.get("import_file_type") == "pdf" or mimetype in IMAGE_TYPES) and \
                (self.move_type in ("in_invoice", "in_refund") or
                 self.env.context.get("default_move_type") in ("in_invoice", "in_refund")):
            return {"priority": READ_PRIORITY, "decoder": lambda move, data, is_new: move._ai_decode_document(data)}
        return decoder

    def _extend_with_attachments(self, files_data, new=False):
        """An XML e-invoice that Odoo's importer read without any line (minimal profiles) is completed
        from the visible page of its PDF."""
        res = super()._extend_with_attachments(files_data, new)
        if self.move_type in ("in_invoice", "in_refund") and self.state == "draft" and not self.invoice_line_ids \
                and self.ai_read_state == "none":
            document = next((f for f in files_data if f.get("import_file_type") == "pdf" and f.get("raw")), None)
            if document:
                try:
                    with self.env.cr.savepoint():
                        self._ai_read_document(document["raw"], document.get("name"), document.get("mimetype"),
                                               overwrite=False)
                except CONCURRENCY_ERRORS:
                    raise
                except Exception:  # noqa: BLE001 - the bill stays as Odoo's importer left it
                    _logger.exception("Bill reading: completing %s from its PDF failed", self.display_name)
        return res

    def _ai_decode_document(self, file_data):
        """Decoder of the import framework: read the file into this draft bill. Returns a reason
        when nothing could be read (Odoo posts it on the bill), None when the bill was filled."""
        self.ensure_one()
        if self.invoice_line_ids:
            return self._reason_cannot_decode_has_invoice_lines()
        return self._ai_read_document(file_data["raw"], file_data.get("name"), file_data.get("mimetype"))

    # ------------------------------------------------------------------------------------------
    # Reading and filling

    def _ai_reading_options(self):
        company = self.company_id or self.env.company
        own_vats = [v for v in (company.vat, company.partner_id.vat) if v]
        own_ibans = company.partner_id.bank_ids.mapped("acc_number")
        currencies = self.env["res.currency"].search([]).mapped("name")
        return {"own_vats": own_vats, "own_ibans": own_ibans, "currencies": currencies}

    def _ai_read_document(self, data, filename=None, mimetype=None, overwrite=True):
        """Read ``data`` (a PDF or an image) and fill this draft bill; never raises on a bad file.
        ``overwrite``: replace the partner, reference, dates and currency already on the bill (else
        only fill the empty ones). :return: None when filled, else the reason (also shown on the bill)."""
        self.ensure_one()
        if self.state != "draft":
            return self.env._("Only draft bills are filled from their document.")
        result = reading.read_document(data, filename=filename, mimetype=mimetype,
                                       options=self._ai_reading_options())
        fatal = [e for e in result["errors"] if e.get("fatal")]
        if fatal or not result["fields"]:
            message = "; ".join(e["message"] for e in (fatal or result["errors"])) or \
                self.env._("nothing could be read on the document")
            self.write({"ai_read_state": "failed", "ai_read_source": result.get("source") or False,
                        "ai_read_summary": Markup("<p>%s</p>") % message,
                        "ai_read_result": reading.to_json({k: v for k, v in result.items() if k != "embedded_xml"})})
            return message
        partner, match = self._ai_match_partner(result)
        if partner:
            memory = self.env["ai.bill.layout.memory"].search([("partner_id", "=", partner.id),
                                                               ("company_id", "=", (self.company_id or
                                                                                    self.env.company).id)])
            if memory:
                result = reading.reread(result, [m.entry for m in memory], self._ai_reading_options())
        self._ai_fill_from_reading(result, partner, match, overwrite=overwrite)
        return None

    def _ai_match_partner(self, result):
        """The supplier of a read document among existing partners (VAT, IBAN, registry, e-mail domain,
        name), or (empty, proposal of a new partner)."""
        fields_read = result["fields"]
        identity = result.get("identity") or {}
        Partner = self.env["res.partner"].with_context(active_test=False)
        def values(kind):
            return [item.get("value") for item in identity.get(kind, [])
                    if isinstance(item, dict) and item.get("value") and not item.get("buyer")]

        vats = [reading.normalise_vat(v) for v in values("vats")]
        if fields_read.get("supplier_vat"):
            vats.append(reading.normalise_vat(fields_read["supplier_vat"]["value"]))
        ibans = ["".join(str(i).split()).upper() for i in values("ibans")]
        if fields_read.get("supplier_iban"):
            ibans.append("".join(str(fields_read["supplier_iban"]["value"]).split()).upper())
        emails = values("emails") + ([fields_read["supplier_email"]["value"]]
                                     if fields_read.get("supplier_email") else [])
        domains = sorted({e.split("@")[-1].lower() for e in emails if "@" in e})
        name = (fields_read.get("supplier_name") or {}).get("value") or ""
        company = self.company_id or self.env.company
        domain_ids = set()
        if vats:
            self.env.cr.execute(SQL(
                "SELECT id FROM res_partner WHERE upper(regexp_replace(coalesce(vat, ''), '[^0-9A-Za-z]', '', 'g')) "
                "= ANY(%s) LIMIT 50", sorted(set(vats))))
            domain_ids.update(r[0] for r in self.env.cr.fetchall())
        if ibans:
            domain_ids.update(self.env["res.partner.bank"].search(
                [("sanitized_acc_number", "in", sorted(set(ibans)))]).partner_id.ids)
        for dom in domains:
            domain_ids.update(Partner.search([("email", "=ilike", f"%@{dom}")], limit=20).ids)
        if name:
            words = [w for w in name.split() if len(w) > 2][:2]
            if words:
                domain_ids.update(Partner.search([("name", "ilike", words[0])], limit=50).ids)
        candidates = Partner.browse(domain_ids).filtered(
            lambda p: not p.company_id or p.company_id == company).mapped("commercial_partner_id")
        rows = [{"id": p.id, "name": p.name, "vat": p.vat or "", "ibans": p.bank_ids.mapped("acc_number"),
                 "email": p.email or "", "company_registry": p.company_registry or ""} for p in candidates]
        match = reading.match_partner(result, rows)
        partner = Partner.browse(match["partner_id"]) if match.get("partner_id") else Partner
        return partner, match

    def _ai_fill_from_reading(self, result, partner, match, overwrite=True):
        read = {name: field.get("value") for name, field in result["fields"].items()}
        conf = {name: field.get("confidence", 0.0) for name, field in result["fields"].items()}
        found = set(read)
        if not overwrite:
            # what is already on the bill (an e-invoice's XML) is more trustworthy than a reading
            partner = self.partner_id.commercial_partner_id or partner
            read = {k: v for k, v in read.items() if not (
                (k == "bill_number" and self.ref) or (k == "bill_date" and self.invoice_date)
                or (k == "due_date" and self.invoice_date_due and self.invoice_date_due != self.invoice_date)
                or (k == "currency" and self.currency_id != self.company_id.currency_id))}
        vals = {}
        if partner:
            vals["partner_id"] = partner.id
        if read.get("bill_number"):
            vals["ref"] = str(read["bill_number"])[:64]
        if read.get("bill_date"):
            vals["invoice_date"] = read["bill_date"]
        if read.get("currency"):
            currency = self.env["res.currency"].search([("name", "=", read["currency"])], limit=1)
            if currency:
                vals["currency_id"] = currency.id
        if vals:
            self.write(vals)
        if read.get("due_date") and not self.invoice_payment_term_id:
            self.invoice_date_due = read["due_date"]
        iban = read.get("supplier_iban")
        if iban and partner:
            bank = self.env["res.partner.bank"].search([("partner_id", "=", partner.id),
                                                        ("sanitized_acc_number", "=", "".join(iban.split()).upper())],
                                                       limit=1)
            if not bank:
                # recorded untrusted: the bill check flags a bank account the supplier never used
                bank = self.env["res.partner.bank"].with_context(clean_context(self.env.context)).create(
                    {"partner_id": partner.id, "acc_number": iban, "allow_out_payment": False})
            self.partner_bank_id = bank
        self.write({"invoice_line_ids": self._ai_line_commands(result, read)})
        # what the document says versus what the bill computes
        findings = [f["message"] for f in result.get("findings", [])]
        total = result["fields"].get("amount_total", {}).get("value")
        if isinstance(total, (int, float)) and float_compare(abs(total), abs(self.amount_total),
                                                              precision_rounding=self.currency_id.rounding or 0.01):
            findings.append(self.env._("The document's total is %(read)s, the bill's %(bill)s: check the lines "
                                       "and taxes.", read=f"{total:,.2f}", bill=f"{self.amount_total:,.2f}"))
        low = sorted(name for name, c in conf.items() if c < LOW_CONFIDENCE)
        missing = [name for name in ("bill_number", "bill_date", "amount_total") if name not in found]
        if not partner:
            proposal = match.get("proposal") or {}
            findings.append(self.env._("Supplier not found: %s (create it from the AI Check page).",
                                       proposal.get("name") or read.get("supplier_name") or "?"))
        state = "to_check" if (findings or low or missing or not partner) else "read"
        self.write({
            "ai_read_state": state, "ai_read_source": result.get("source") or False,
            "ai_read_summary": self._ai_read_summary_html(result, conf, findings, missing, match),
            "ai_read_result": reading.to_json({k: v for k, v in result.items() if k != "embedded_xml"}),
            "ai_read_values": self._ai_current_read_values(),
            "ai_read_partner_proposal": (match.get("proposal") or False) if not partner else False,
        })

    @staticmethod
    def _ai_booked_line(line):
        """(quantity, unit price) to book for a line read on the document, so that quantity × price is
        the line's printed amount: a missing quantity is 1, a 0 read next to a non-zero amount (from
        another column) too; a printed 0 with a zero amount stays 0 (a line not charged)."""
        amount = line["amount"] if _is_number(line.get("amount")) else None
        quantity = line["quantity"] if _is_number(line.get("quantity")) else None
        price = line["price_unit"] if _is_number(line.get("price_unit")) else None
        if quantity is None or (quantity == 0 and amount is not None and abs(amount) > 0.005):
            quantity = 1.0
        if amount is None:
            return quantity, price
        if not quantity:
            return quantity, price if price is not None else 0.0
        if price is None or abs(quantity * price - amount) > 0.011:
            price = amount / quantity   # a discount column, or no unit price printed
        return quantity, price

    @staticmethod
    def _ai_untaxed_range(result, read):
        """(low, high) that the lines' sum must fall in, or None when nothing says: the printed untaxed
        amount; without one, the total less the tax (printed or from the tax rows); with no tax known
        either, between the total less 30 % and the total (net or tax-included prices)."""
        untaxed, total, tax = (read.get(k) for k in ("amount_untaxed", "amount_total", "amount_tax"))
        breakdown = result.get("tax_breakdown") or []
        if _is_number(untaxed):
            value = untaxed
        elif _is_number(total) and _is_number(tax):
            value = total - tax
        elif _is_number(total) and breakdown:
            value = total - sum(b.get("amount") or 0.0 for b in breakdown)
        elif _is_number(total):
            low, high = sorted((total / 1.3, total))
            return low - 0.05, high + 0.05
        else:
            return None
        margin = max(0.01 * abs(value), 0.05)
        return value - margin, value + margin

    def _ai_line_commands(self, result, read):
        """Invoice lines from the table read on the document, else one line for the untaxed amount."""
        commands = []
        lines = [line for line in result.get("lines", []) if _is_number(line.get("amount"))
                 or _is_number(line.get("price_unit"))]
        booked = [self._ai_booked_line(line) for line in lines]
        line_sum = sum(quantity * price for quantity, price in booked)
        expected = self._ai_untaxed_range(result, read)
        if lines and expected and not expected[0] <= line_sum <= expected[1]:
            # a table read wrong must not make the bill wrong: the lines are kept only when what they
            # book adds up to the printed untaxed amount (else the total less the tax)
            lines = []
        rates = [b.get("rate") for b in result.get("tax_breakdown", []) if b.get("rate") is not None]
        default_rate = rates[0] if len(set(rates)) == 1 else None
        if lines and default_rate is None and _is_number(read.get("amount_tax")) and line_sum:
            default_rate = round(100.0 * read["amount_tax"] / line_sum, 1)   # "VAT 20 %  9.00" without a base
        for line, (quantity, price) in list(zip(lines, booked))[:200]:
            vals = {"name": (line.get("description") or "/")[:500], "quantity": quantity, "price_unit": price}
            taxes = self._ai_purchase_taxes(line.get("tax_rate") if line.get("tax_rate") is not None else default_rate)
            if taxes is not None:
                vals["tax_ids"] = [Command.set(taxes.ids)]
            commands.append(Command.create(vals))
        if not commands:
            untaxed = read.get("amount_untaxed")
            total, tax = read.get("amount_total"), read.get("amount_tax")
            if not isinstance(untaxed, (int, float)) and isinstance(total, (int, float)):
                untaxed = total - (tax if isinstance(tax, (int, float)) else 0.0)
            if isinstance(untaxed, (int, float)):
                rate = default_rate
                if rate is None and isinstance(tax, (int, float)) and untaxed:
                    rate = round(100.0 * tax / untaxed, 1)
                label = " ".join(str(v) for v in (read.get("supplier_name"), read.get("bill_number")) if v)
                vals = {"name": label or self.env._("Bill"), "quantity": 1.0, "price_unit": abs(untaxed)}
                taxes = self._ai_purchase_taxes(rate)
                if taxes is not None:
                    vals["tax_ids"] = [Command.set(taxes.ids)]
                commands.append(Command.create(vals))
        return commands

    def _ai_purchase_taxes(self, rate):
        """The company's purchase tax of that percentage (None: keep Odoo's default taxes)."""
        if rate is None:
            return None
        company = self.company_id or self.env.company
        if abs(rate) < 1e-9:
            return self.env["account.tax"]
        taxes = self.env["account.tax"].search([
            ("type_tax_use", "=", "purchase"), ("amount_type", "=", "percent"), ("amount", "=", rate),
            ("company_id", "parent_of", company.id), ("price_include", "=", False)], limit=5)
        return taxes.sorted(lambda t: (t.sequence, t.id))[:1] or None

    def _ai_read_summary_html(self, result, conf, findings, missing, match):
        labels = {
            "supplier_name": self.env._("Supplier"), "supplier_vat": self.env._("VAT number"),
            "supplier_iban": self.env._("IBAN"), "bill_number": self.env._("Bill number"),
            "bill_date": self.env._("Bill date"), "due_date": self.env._("Due date"),
            "currency": self.env._("Currency"), "amount_untaxed": self.env._("Untaxed"),
            "amount_tax": self.env._("Tax"), "amount_total": self.env._("Total"),
            "po_reference": self.env._("Order reference"),
        }
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                labels[name], result["fields"][name].get("value"), f"{conf.get(name, 0.0):.0%}")
            for name in labels if name in result["fields"])
        parts = [Markup("<table class='table table-sm o_ai_read'><tr><th>%s</th><th>%s</th><th>%s</th></tr>%s</table>")
                 % (self.env._("Field"), self.env._("Read"), self.env._("Confidence"), rows)]
        if match.get("partner_id"):
            parts.append(Markup("<p>%s</p>") % self.env._("Supplier found by %s.", match.get("reason") or "?"))
        for text in findings:
            parts.append(Markup("<p class='text-warning'>%s</p>") % text)
        if missing:
            parts.append(Markup("<p class='text-warning'>%s</p>") % self.env._(
                "Not found on the document: %s.", ", ".join(labels.get(m, m) for m in missing)))
        for error in result.get("errors", []):
            parts.append(Markup("<p class='text-muted'>%s</p>") % error.get("message"))
        return Markup("").join(parts)

    def _ai_current_read_values(self):
        return {"ref": self.ref or False, "invoice_date": fields.Date.to_string(self.invoice_date) or False,
                "invoice_date_due": fields.Date.to_string(self.invoice_date_due) or False,
                "amount_total": self.amount_total}

    # ------------------------------------------------------------------------------------------
    # Learning from the user's corrections

    def write(self, vals):
        learn = self.env["account.move"]
        if LEARNED_FIELDS.keys() & vals.keys() and not self.env.context.get("ai_reading_no_learning"):
            learn = self.filtered(lambda m: m.state == "draft" and m.ai_read_result and m.ai_read_values
                                  and m.commercial_partner_id)
        result = super().write(vals)
        for move in learn:
            move._ai_learn_corrections()
        return result

    def _ai_learn_corrections(self):
        """Remember where this supplier prints the fields the user just corrected."""
        self.ensure_one()
        before = self.ai_read_values or {}
        now = self._ai_current_read_values()
        doc = reading.from_json(self.ai_read_result or {})
        Memory = self.env["ai.bill.layout.memory"].sudo()
        learned = []
        for field, read_field in LEARNED_FIELDS.items():
            if now.get(field) and now.get(field) != before.get(field):
                entry = reading.learn_correction(doc, read_field, now[field])
                if not entry:
                    continue
                Memory.search([("partner_id", "=", self.commercial_partner_id.id), ("field", "=", read_field),
                               ("company_id", "=", self.company_id.id)]).unlink()
                Memory.create({"partner_id": self.commercial_partner_id.id, "company_id": self.company_id.id,
                               "field": read_field, "label": entry.get("label") or False, "entry": entry,
                               "move_id": self.id})
                learned.append(read_field)
        if learned:
            values = dict(before, **{k: now[k] for k in LEARNED_FIELDS if now.get(k)})
            super(AccountMove, self.with_context(ai_invoice_check_skip=True)).write({"ai_read_values": values})
            self.message_post(body=self.env._(
                "Noted where %(supplier)s prints %(fields)s: its next bills are read that way.",
                supplier=self.commercial_partner_id.name, fields=", ".join(learned)))
        return bool(learned)

    # ------------------------------------------------------------------------------------------
    # Buttons and RPC

    def action_ai_read_document(self):
        """Read the bill's main attachment (again) and fill the draft; lines already there are kept
        only if the document gives none."""
        for move in self:
            attachment = move.message_main_attachment_id or move.attachment_ids[:1]
            if not attachment:
                raise UserError(self.env._("Attach the supplier's PDF or picture to %s first.", move.display_name))
            if move.state != "draft":
                raise UserError(self.env._("%s is not a draft.", move.display_name))
            if move.invoice_line_ids:
                move.invoice_line_ids.unlink()
            reason = move._ai_read_document(attachment.raw, attachment.name, attachment.mimetype)
            if reason:
                move.message_post(body=self.env._("The document could not be read: %s", reason))
        return True

    def action_ai_create_partner(self):
        """Create the supplier proposed from the document and set it on the bill."""
        self.ensure_one()
        proposal = self.ai_read_partner_proposal or {}
        if not proposal.get("name"):
            raise UserError(self.env._("No supplier was proposed from the document."))
        vals = {"name": proposal["name"], "is_company": True, "supplier_rank": 1}
        if proposal.get("vat"):
            vals["vat"] = proposal["vat"]
        if proposal.get("email"):
            vals["email"] = proposal["email"]
        if proposal.get("company_registry"):
            vals["company_registry"] = proposal["company_registry"]
        try:
            with self.env.cr.savepoint():
                partner = self.env["res.partner"].with_context(clean_context(self.env.context)).create(vals)
        except Exception:  # noqa: BLE001 - a VAT number the country's check refuses: keep the name only
            vals.pop("vat", None)
            partner = self.env["res.partner"].with_context(clean_context(self.env.context)).create(vals)
        self.write({"partner_id": partner.id, "ai_read_partner_proposal": False})
        iban = (self.ai_read_result or {}).get("fields", {}).get("supplier_iban", {}).get("value")
        if iban:
            self.partner_bank_id = self.env["res.partner.bank"].with_context(clean_context(self.env.context)).create(
                {"partner_id": partner.id, "acc_number": iban, "allow_out_payment": False})
        return True

    # ai_import_bill_documents (XML-RPC): models/bill_intake.py

