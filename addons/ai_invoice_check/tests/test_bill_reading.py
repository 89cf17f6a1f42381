import base64
import io
import shutil

from odoo.tests import tagged

from odoo.addons.ai_invoice_check import reading
from odoo.addons.account.tests.common import AccountTestInvoicingCommon

try:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdf_canvas
except ImportError:  # reportlab is one of Odoo's own requirements
    pdf_canvas = None


def iban(country, bban):
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


FR_IBAN = iban("FR", "30006000011234567890189")


def make_pdf(items):
    buffer = io.BytesIO()
    canvas = pdf_canvas.Canvas(buffer, pagesize=A4)
    for x, y, text, size in items:
        canvas.setFont("Helvetica", size)
        canvas.drawString(x * mm, A4[1] - y * mm, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def french_bill(number="FA-2026-117", vat="FR40303265045", name="Dupont Fournitures SARL"):
    return make_pdf([
        (20, 20, name, 14), (20, 26, "5 avenue Jean Jaurès, 69007 Lyon", 9),
        (20, 31, f"TVA intracommunautaire : {vat} - SIRET 303 265 045 00015", 9),
        (120, 45, "Facturé à :", 9), (120, 50, "Client SA", 10),
        (20, 70, "FACTURE", 16),
        (20, 80, f"Facture n° {number}", 10),
        (20, 86, "Date :", 10), (60, 86, "23/11/2026", 10),
        (20, 92, "Échéance :", 10), (60, 92, "23/12/2026", 10),
        (20, 115, "Désignation", 10), (110, 115, "Quantité", 10), (135, 115, "Prix unitaire", 10),
        (165, 115, "Montant HT", 10),
        (20, 122, "Ramette papier A4", 10), (110, 122, "10", 10), (135, 122, "4,50", 10), (165, 122, "45,00", 10),
        (20, 129, "Classeurs", 10), (110, 129, "50", 10), (135, 129, "23,79", 10), (165, 129, "1 189,50", 10),
        (130, 150, "Total HT", 10), (165, 150, "1 234,50 €", 10),
        (130, 156, "TVA 20 %", 10), (165, 156, "246,90 €", 10),
        (130, 162, "Total TTC", 11), (165, 162, "1 481,40 €", 11),
        (20, 190, f"IBAN : {FR_IBAN}", 9),
    ])


def dupont_lines_pdf(number, rows, totals):
    """A Dupont bill with no untaxed amount printed: ``rows`` (designation, quantity, unit price,
    amount) under the usual headings, then ``totals`` (label, amount) rows."""
    items = [(20, 20, "Dupont Fournitures SARL", 14), (20, 31, "TVA intracommunautaire : FR40303265045", 9),
             (20, 80, f"Facture n° {number}", 10), (20, 86, "Date : 23/11/2026", 10)]
    for k, row in enumerate([("Désignation", "Quantité", "Prix unitaire", "Montant"), *rows]):
        items += [(x, 115 + 7 * k, text, 10) for x, text in zip((20, 110, 135, 165), row)]
    items += [(130, 150 + 6 * k, label, 11) for k, (label, _v) in enumerate(totals)]
    items += [(165, 150 + 6 * k, amount, 11) for k, (_l, amount) in enumerate(totals)]
    return make_pdf(items)


def odd_layout(ref):
    return make_pdf([(20, 20, "Odd Layout GmbH", 14), (20, 27, "USt-IdNr. DE811907980", 9),
                     (20, 60, "Beleg-Kennung", 10), (70, 60, ref, 10),
                     (20, 66, "Datum", 10), (70, 66, "02.03.2026", 10),
                     (120, 100, "Summe netto", 10), (165, 100, "100,00", 10),
                     (120, 106, "MwSt. 19 %", 10), (165, 106, "19,00", 10),
                     (120, 112, "Gesamtbetrag", 10), (165, 112, "119,00", 10)])


@tagged("post_install", "-at_install", "ai_invoice_check")
class TestBillReading(AccountTestInvoicingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.eur = cls.setup_other_currency("EUR") if cls.env.company.currency_id.name != "EUR" \
            else cls.env.company.currency_id
        cls.tax_20 = cls.env["account.tax"].create({"name": "Achats 20%", "amount": 20.0, "type_tax_use": "purchase",
                                                    "amount_type": "percent", "company_id": cls.env.company.id})
        cls.tax_19 = cls.env["account.tax"].create({"name": "Einkauf 19%", "amount": 19.0, "type_tax_use": "purchase",
                                                    "amount_type": "percent", "company_id": cls.env.company.id})
        cls.dupont = cls.env["res.partner"].create({"name": "Dupont Fournitures", "is_company": True,
                                                    "vat": "FR40303265045"})
        cls.journal = cls.company_data["default_journal_purchase"]

    def setUp(self):
        super().setUp()
        if pdf_canvas is None or reading.missing_tools(("pdfinfo", "pdftotext")):
            self.skipTest("reportlab or Poppler is not installed")

    def drop(self, data, name="bill.pdf"):
        attachment = self.env["ir.attachment"].create({"name": name, "raw": data})
        return self.journal.with_context(default_move_type="in_invoice")._create_document_from_attachment(
            attachment.ids)

    def test_pdf_dropped_on_the_bills_list_fills_a_draft(self):
        bill = self.drop(french_bill())
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.partner_id, self.dupont)           # found by its VAT number
        self.assertEqual(bill.ref, "FA-2026-117")
        self.assertEqual(str(bill.invoice_date), "2026-11-23")
        self.assertEqual(str(bill.invoice_date_due), "2026-12-23")
        self.assertEqual(bill.currency_id.name, "EUR")
        self.assertEqual(len(bill.invoice_line_ids), 2)
        self.assertEqual(bill.invoice_line_ids.tax_ids, self.tax_20)
        self.assertAlmostEqual(bill.amount_total, 1481.40, places=2)
        self.assertEqual(bill.ai_read_state, "read")
        self.assertEqual(bill.ai_read_source, "text")
        # the IBAN read on the document is recorded, untrusted, and feeds the bank-account check
        self.assertEqual(bill.partner_bank_id.sanitized_acc_number, FR_IBAN)
        self.assertFalse(bill.partner_bank_id.allow_out_payment)
        self.assertNotEqual(bill.ai_check_state, "none")
        self.assertIn(bill.message_main_attachment_id.name, ("bill.pdf",))

    def test_lines_that_do_not_add_up_to_the_only_total_are_not_used(self):
        def receipt(second_line):
            return dupont_lines_pdf("FA-2026-200", [("Ramette papier A4", "1", "20,00", "20,00"),
                                                    ("Classeurs", "1", second_line, second_line),
                                                    ("Justificatif papier", "0", "3,50", "0,00")],
                                    [("Total EUR", "45,00")])
        # no untaxed amount printed: the lines are checked against the total
        good = self.drop(receipt("25,00"), "good.pdf")
        self.assertEqual(good.invoice_line_ids.mapped("price_unit"), [20.0, 25.0, 3.5])
        self.assertEqual(good.invoice_line_ids.mapped("quantity"), [1.0, 1.0, 0.0])   # a line not charged
        self.assertAlmostEqual(good.amount_untaxed, 45.0, places=2)
        wrong = self.drop(receipt("52,00"), "wrong.pdf")
        self.assertEqual(len(wrong.invoice_line_ids), 1)
        self.assertAlmostEqual(wrong.invoice_line_ids.price_unit, 45.0, places=2)

    def test_net_lines_under_a_total_with_tax_and_a_quantity_read_as_zero(self):
        # a 0 in the quantity column next to an amount: booked once, not for nothing
        bill = self.drop(dupont_lines_pdf("FA-2026-201", [("Ramette papier A4", "2", "10,00", "20,00"),
                                                          ("Classeurs", "0", "25,00", "25,00")],
                                          [("TVA 20 %", "9,00"), ("Total TTC", "54,00")]), "net.pdf")
        self.assertEqual(bill.invoice_line_ids.mapped("quantity"), [2.0, 1.0])
        self.assertEqual(bill.invoice_line_ids.mapped("price_unit"), [10.0, 25.0])
        self.assertEqual(bill.invoice_line_ids.tax_ids, self.tax_20)
        self.assertAlmostEqual(bill.amount_total, 54.0, places=2)

    def test_unknown_supplier_is_proposed_then_created(self):
        bill = self.drop(french_bill(vat="FR83404833048", name="Lefèvre Bureautique SAS"))
        self.assertFalse(bill.partner_id)
        self.assertEqual(bill.ai_read_state, "to_check")
        self.assertTrue(bill.ai_read_partner_proposal)
        bill.action_ai_create_partner()
        self.assertIn("Lefèvre", bill.partner_id.name)
        self.assertEqual(bill.partner_bank_id.sanitized_acc_number, FR_IBAN)

    def test_attachment_posted_on_a_draft_bill_and_mail_alias_path(self):
        draft = self.env["account.move"].create({"move_type": "in_invoice", "journal_id": self.journal.id})
        attachment = self.env["ir.attachment"].create({"name": "dupont.pdf", "raw": french_bill(),
                                                       "res_model": "account.move", "res_id": draft.id})
        draft.message_post(attachment_ids=attachment.ids, message_type="comment")
        self.assertEqual(draft.ref, "FA-2026-117")
        # received by e-mail on the journal's alias: a new bill per PDF
        alias_bill = self.env["account.move"].with_context(default_move_type="in_invoice").create(
            {"move_type": "in_invoice", "journal_id": self.journal.id})
        mail_attachment = self.env["ir.attachment"].create({"name": "scan.pdf", "raw": french_bill("FA-2026-118"),
                                                            "res_model": "account.move", "res_id": alias_bill.id})
        alias_bill.with_context(from_alias=True).message_post(attachment_ids=mail_attachment.ids,
                                                              message_type="email", author_id=self.dupont.id)
        self.assertEqual(alias_bill.ref, "FA-2026-118")
        self.assertEqual(alias_bill.partner_id, self.dupont)

    def test_learning_from_a_correction(self):
        odd = self.env["res.partner"].create({"name": "Odd Layout GmbH", "is_company": True, "vat": "DE811907980"})
        first = self.drop(odd_layout("QX 5582-1"))
        self.assertEqual(first.partner_id, odd)
        self.assertNotEqual(first.ref, "QX 5582-1")      # no generic rule knows "Beleg-Kennung"
        first.ref = "QX 5582-1"                          # the accountant corrects it
        memory = self.env["ai.bill.layout.memory"].search([("partner_id", "=", odd.id)])
        self.assertEqual(memory.field, "bill_number")
        second = self.drop(odd_layout("QX 6120-4"))
        self.assertEqual(second.ref, "QX 6120-4")        # the next bill of that supplier is read right

    def test_bad_files_keep_the_attachment_and_say_why(self):
        corrupt = self.drop(b"%PDF-1.4 this is not really a pdf", "broken.pdf")
        self.assertEqual(corrupt.state, "draft")
        self.assertEqual(corrupt.ai_read_state, "failed")
        self.assertTrue(corrupt.ai_read_summary)
        self.assertTrue(corrupt.message_main_attachment_id or corrupt.attachment_ids)
        empty_page = self.drop(make_pdf([]), "blank.pdf")
        self.assertEqual(empty_page.ai_read_state, "failed")

    def test_rpc_import(self):
        rows = self.env["account.move"].ai_import_bill_documents(
            [{"name": "dupont.pdf", "datas": base64.b64encode(french_bill("FA-2026-200")).decode()}])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["ref"], "FA-2026-200")
        self.assertEqual(rows[0]["partner_id"], self.dupont.id)
        self.assertIn(rows[0]["read_state"], ("read", "to_check"))

    def test_scan_read_through_ocr(self):
        if reading.missing_tools(("tesseract", "pdftoppm")) or not shutil.which("pdftoppm"):
            self.skipTest("Tesseract is not installed")
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/bill.pdf"
            with open(path, "wb") as handle:
                handle.write(french_bill("FA-2026-300"))
            subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", path, f"{tmp}/page"], check=True)
            with open(f"{tmp}/page.png", "rb") as handle:
                png = handle.read()
        bill = self.drop(png, "scan.png")
        self.assertEqual(bill.ai_read_source, "ocr")
        self.assertEqual(bill.partner_id, self.dupont)
        self.assertAlmostEqual(bill.amount_total, 1481.40, places=2)
