"""Bill documents from outside (upload in the web client, ai_import_bill_documents over RPC): a bad
file gets its own clear message, the others are imported, nothing half-created is left behind."""
import base64
import io
import struct
import zlib

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .test_bill_reading import french_bill, pdf_canvas


def b64(data):
    return base64.b64encode(data).decode()


def png_bomb(width=30000, height=30000):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def encrypted(data, password="secret"):
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError:
        from PyPDF2 import PdfReader, PdfWriter
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(password, "owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestBillImportSafety(AccountTestInvoicingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.journal = cls.company_data["default_journal_purchase"]
        cls.company = cls.company_data["company"]
        other = cls.setup_other_company(name="Import Company B")
        cls.other_company = other["company"]
        cls.other_journal = other["default_journal_purchase"]
        cls.accountant = new_test_user(cls.env, login="ai_import_accountant", groups="account.group_account_invoice",
                                       company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])
        cls.auditor = new_test_user(cls.env, login="ai_import_auditor", groups="account.group_account_readonly",
                                    company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)])

    def setUp(self):
        super().setUp()
        if pdf_canvas is None:
            self.skipTest("reportlab is not installed")

    def counts(self):
        return (self.env["account.move"].search_count([]), self.env["ir.attachment"].search_count([]))

    def test_bad_files_refused_one_by_one_and_the_good_one_imported(self):
        good = french_bill("FA-2026-901")
        self.env["ir.config_parameter"].set_param("ai_invoice_check.max_document_mb", "1")
        documents = [
            {"name": "good.pdf", "datas": b64(good)},
            {"name": "locked.pdf", "datas": b64(encrypted(good))},
            {"name": "empty.pdf", "datas": ""},
            {"name": "garbage.pdf", "datas": "%%% not base64 %%%"},
            {"name": "archive.pdf", "datas": b64(b"PK\x03\x04" + b"\x00" * 200)},
            {"name": "bomb.png", "datas": b64(png_bomb())},
            {"name": "huge.pdf", "datas": b64(b"%PDF-1.4\n" + b"0" * 1_200_000)},
            {"name": "broken.pdf", "datas": b64(good[: len(good) // 2])},
        ]
        moves_before, attachments_before = self.counts()
        rows = self.env["account.move"].with_user(self.accountant).ai_import_bill_documents(
            documents, journal_id=self.journal.id)
        by_file = {row["file"]: row for row in rows}
        self.assertEqual(len(rows), len(documents))
        self.assertEqual(by_file["good.pdf"]["ref"], "FA-2026-901")
        self.assertNotIn("error", by_file["good.pdf"])
        expected = {"locked.pdf": "encrypted_pdf", "empty.pdf": "empty", "garbage.pdf": "bad_base64",
                    "archive.pdf": "unknown_type", "bomb.png": "image_too_large", "huge.pdf": "too_large",
                    "broken.pdf": "corrupt_pdf"}
        for name, code in expected.items():
            self.assertEqual(by_file[name]["error"], code, name)
            self.assertTrue(by_file[name]["message"].startswith(name + ": "), by_file[name]["message"])
        self.assertIn("1.0 MB", by_file["huge.pdf"]["message"])
        # one bill and its one file: nothing of the refused files was kept
        moves_after, attachments_after = self.counts()
        self.assertEqual(moves_after - moves_before, 1)
        self.assertEqual(attachments_after - attachments_before, 1)
        self.assertFalse(self.env["ir.attachment"].search([("name", "in", list(expected))]))

    def test_messages_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.accountant.lang = "fr_FR"
        rows = self.env["account.move"].with_user(self.accountant).ai_import_bill_documents(
            [{"name": "vide.pdf", "datas": ""}, {"name": "archive.zip", "datas": b64(b"PK\x03\x04zip")}])
        self.assertIn("vide", rows[0]["message"])
        self.assertIn("fichier est vide", rows[0]["message"])
        self.assertIn("PDF", rows[1]["message"])
        self.assertNotIn("This is not", rows[1]["message"])

    def test_arguments_are_checked(self):
        Move = self.env["account.move"].with_user(self.accountant)
        good = [{"name": "good.pdf", "datas": b64(french_bill("FA-2026-902"))}]
        for documents in ("abc", None, 7, [1], [{"name": "x.pdf"}], [{"name": 3, "datas": ""}]):
            with self.assertRaises(UserError, msg=repr(documents)):
                Move.ai_import_bill_documents(documents)
        with self.assertRaises(UserError):
            Move.ai_import_bill_documents([{"name": "a.pdf", "datas": ""}] * 101)
        for journal_id in (-1, "abc", 2.5):
            with self.assertRaises(UserError, msg=repr(journal_id)):
                Move.ai_import_bill_documents(good, journal_id=journal_id)
        with self.assertRaises(UserError):
            Move.ai_import_bill_documents(good, journal_id=self.company_data["default_journal_sale"].id)
        # another company's journal and a journal that does not exist: the same answer
        with self.assertRaises(AccessError) as other:
            Move.ai_import_bill_documents(good, journal_id=self.other_journal.id)
        missing = self.env["account.journal"].search([], order="id desc", limit=1).id + 1000
        with self.assertRaises(AccessError) as absent:
            Move.ai_import_bill_documents(good, journal_id=missing)
        self.assertEqual(str(other.exception).replace(str(self.other_journal.id), "N"),
                         str(absent.exception).replace(str(missing), "N"))
        self.assertEqual(Move.ai_import_bill_documents([]), [])

    def test_read_only_user_imports_nothing(self):
        before = self.counts()
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.auditor).ai_import_bill_documents(
                [{"name": "good.pdf", "datas": b64(french_bill("FA-2026-903"))}], journal_id=self.journal.id)
        self.assertEqual(self.counts(), before)

    def upload(self, files, user=None):
        """As the web client's upload button: attachments first, then create_document_from_attachment."""
        env = self.env(user=user or self.accountant)
        attachments = env["ir.attachment"].create([{"name": name, "raw": data} for name, data in files])
        return env["account.journal"].with_context(default_move_type="in_invoice").create_document_from_attachment(
            attachments.ids), attachments

    def test_web_upload_names_the_refused_files_and_imports_the_others(self):
        moves_before = self.env["account.move"].search_count([])
        action, attachments = self.upload([("good.pdf", french_bill("FA-2026-904")), ("locked.pdf",
                                           encrypted(french_bill())), ("empty.pdf", b"")])
        self.assertEqual(action["res_model"], "account.move")
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(bill.ref, "FA-2026-904")
        notes = action["context"]["notifications"]
        self.assertEqual(set(notes), {"locked.pdf", "empty.pdf"})
        self.assertIn("password", notes["locked.pdf"])
        self.assertEqual(self.env["account.move"].search_count([]) - moves_before, 1)
        self.assertEqual(len(attachments.exists()), 1)

    def test_web_upload_of_only_bad_files_creates_nothing(self):
        moves_before = self.env["account.move"].search_count([])
        action, attachments = self.upload([("locked.pdf", encrypted(french_bill())), ("notes.txt", b"hello")])
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("locked.pdf", action["params"]["message"])
        self.assertIn("notes.txt", action["params"]["message"])
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertFalse(attachments.exists())

    def test_web_upload_of_a_decompression_bomb_is_refused_with_a_message(self):
        # Odoo resizes an uploaded image when the attachment is created: the bomb stops there
        with self.assertRaises(UserError) as caught:
            self.upload([("bomb.png", png_bomb())])
        self.assertIn("bomb.png", str(caught.exception))
        self.assertIn("pixels", str(caught.exception))

    def test_size_setting_is_checked(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.ai_bill_max_document_mb, 20)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"ai_bill_max_document_mb": 0})
        self.env["ir.config_parameter"].set_param("ai_invoice_check.max_document_mb", "garbage")
        self.assertEqual(self.env["account.move"]._ai_max_document_bytes(), 20_000_000)
