"""ai_invoice_check's bill reading core (reading/), without Odoo, on PDFs generated here.

English, French and German bills are drawn with reportlab (text layer); one is rendered to an image
and read through Tesseract. Needs Poppler (pdfinfo, pdftotext, pdftoppm, pdfdetach) and Tesseract
with eng/fra/deu, as the suite's set-up installs; tests that need a missing tool are skipped.
"""
import datetime as dt
import io
import shutil
import subprocess

import pytest

from cores import load_core

rd = load_core("ai_invoice_check", "reading")

pytestmark = pytest.mark.skipif(rd.missing_tools(("pdfinfo", "pdftotext", "pdfdetach")) != [],
                                reason="Poppler is not installed")

canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402


def iban(country, bban):
    """A checksum-valid IBAN."""
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


GB_IBAN = iban("GB", "NWBK60161331926819")
FR_IBAN = iban("FR", "30006000011234567890189")
DE_IBAN = iban("DE", "370400440532013000")


def make_pdf(pages, encrypt=None):
    """PDF bytes; ``pages``: lists of ``(x_mm, y_mm_from_top, text, size)``."""
    buffer = io.BytesIO()
    kwargs = {}
    if encrypt:
        from reportlab.lib import pdfencrypt
        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=0)
    canvas = canvas_mod.Canvas(buffer, pagesize=A4, **kwargs)
    for items in pages:
        for x, y, text, size in items:
            canvas.setFont("Helvetica", size)
            canvas.drawString(x * mm, A4[1] - y * mm, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def table(y, rows, cols=(20, 110, 135, 165)):
    items = []
    for i, row in enumerate(rows):
        for x, text in zip(cols, row):
            items.append((x, y + 7 * i, text, 10))
    return items


def english_bill(number="INV-2026-0042", total="1,481.47"):
    return [[
        (20, 20, "ACME Supplies Ltd", 14), (20, 26, "12 Harbour Road, Bristol BS1 4QA", 9),
        (20, 31, "VAT GB123456789 - accounts@acme-supplies.co.uk", 9),
        (120, 45, "Bill to:", 9), (120, 50, "Client Company SARL", 10), (120, 55, "1 rue du Port, 13002 Marseille", 9),
        (20, 70, "INVOICE", 16),
        (20, 80, "Invoice No:", 10), (60, 80, number, 10),
        (20, 86, "Invoice Date:", 10), (60, 86, "November 23, 2026", 10),
        (20, 92, "Due Date:", 10), (60, 92, "December 23, 2026", 10),
        (20, 98, "PO Number:", 10), (60, 98, "PO-7788", 10),
    ] + table(115, [("Description", "Qty", "Unit Price", "Amount"),
                    ("Steel bolts M6", "100", "4.50", "450.00"),
                    ("Hex nuts M6", "200", "1.20", "240.00"),
                    ("Assembly service", "8", "68.07", "544.56")]) + [
        (130, 150, "Subtotal", 10), (165, 150, "1,234.56", 10),
        (130, 156, "VAT 20%", 10), (165, 156, "246.91", 10),
        (130, 162, "Total GBP", 11), (165, 162, total, 11),
        (20, 190, f"Bank transfer to IBAN {GB_IBAN}", 9),
    ]]


def french_bill():
    return [
        [
            (20, 20, "Dupont Fournitures SARL", 14),
            (20, 26, "5 avenue Jean Jaurès, 69007 Lyon", 9),
            (20, 31, "TVA intracommunautaire : FR40303265045 - SIRET 303 265 045 00015", 9),
            (120, 45, "Facturé à :", 9),
            (120, 50, "Client SA", 10),
            (20, 70, "FACTURE", 16),
            (20, 80, "Facture n° FA-2026-117", 10),
            (20, 86, "Date :", 10),
            (60, 86, "23/11/2026", 10),
            (20, 92, "Échéance :", 10),
            (60, 92, "23 décembre 2026", 10),
            (20, 98, "Votre commande :", 10),
            (60, 98, "CMD-5521", 10),
        ]
        + table(
            115,
            [
                ("Désignation", "Quantité", "Prix unitaire", "Montant HT"),
                ("Ramette papier A4", "10", "4,50", "45,00"),
                ("Classeurs", "50", "23,79", "1 189,56"),
            ],
        )
        + [
            (130, 150, "Total HT", 10),
            (165, 150, "1 234,56 €", 10),
            (130, 156, "TVA 20 %", 10),
            (165, 156, "246,91 €", 10),
            (130, 162, "Total TTC", 11),
            (165, 162, "1 481,47 €", 11),
            (
                20,
                190,
                "IBAN : " + " ".join(FR_IBAN[i:i + 4] for i in range(0, len(FR_IBAN), 4)),
                9,
            ),
        ]
    ]


def german_bill():
    return [[
        (20, 20, "Müller Technik GmbH", 14), (20, 26, "Hauptstraße 5, 80331 München", 9),
        (20, 31, "USt-IdNr.: DE123456789  HRB 12345", 9),
        (120, 45, "Rechnungsempfänger:", 9), (120, 50, "Kunde AG", 10),
        (20, 70, "RECHNUNG", 16),
        (20, 80, "Rechnungsnummer:", 10), (65, 80, "RE-4711", 10),
        (20, 86, "Rechnungsdatum:", 10), (65, 86, "23. November 2026", 10),
        (20, 92, "Zahlbar bis:", 10), (65, 92, "23.12.2026", 10),
    ] + table(115, [("Bezeichnung", "Menge", "Einzelpreis", "Betrag"),
                    ("Wartung Anlage", "1", "1.000,00", "1.000,00"),
                    ("Ersatzteile", "2", "117,28", "234,56")]) + [
        (120, 150, "Nettobetrag", 10), (165, 150, "1.234,56", 10),
        (120, 156, "MwSt. 19 %", 10), (165, 156, "234,57", 10),
        (120, 162, "Gesamtbetrag EUR", 11), (165, 162, "1.469,13", 11),
        (20, 190, f"Bankverbindung: IBAN {DE_IBAN}", 9),
    ]]


def widget_header(number):
    return [(20, 20, "Widget Works Ltd", 14), (20, 40, f"Invoice No: {number}", 10),
            (20, 46, "Invoice Date: 01/02/2026", 10)]


def widget_bill(number, subtotal, vat, total):
    """Two lines of 100.00 under the usual headings, then the subtotal, VAT 20 % and total given."""
    page = widget_header(number) + table(60, [("Description", "Qty", "Unit Price", "Amount"),
                                               ("Widgets", "10", "10.00", "100.00"), ("Gadgets", "5", "20.00", "100.00")])
    return page + [(130, 90, "Subtotal", 10), (165, 90, subtotal, 10), (130, 96, "VAT 20%", 10), (165, 96, vat, 10),
                   (130, 102, "Total", 10), (165, 102, total, 10)]


def value(result, field):
    return (result["fields"].get(field) or {}).get("value")


@pytest.fixture(scope="module")
def english():
    return rd.read_document(make_pdf(english_bill()), "bill.pdf")


# --- parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1.234,56", 1234.56), ("1 234,56", 1234.56), ("1,234.56", 1234.56), ("1'234.56", 1234.56),
    ("€ 399,00", 399.0), ("-12,00", -12.0), ("12,00-", -12.0), ("0.79", 0.79), ("1234", 1234.0), ("abc", None),
])
def test_parse_amount(text, expected):
    assert rd.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["23/11/2026", "23.11.2026", "2026-11-23", "November 23, 2026", "Nov 23, 2026",
                                  "23 novembre 2026", "23. November 2026", "23 nov. 2026", "le 23 Novembre 2026"])
def test_parse_date(text):
    assert rd.parse_date(text) == dt.date(2026, 11, 23)


def test_numeric_dates_month_first_when_the_document_says_so():
    assert rd.parse_date("11/03/2017", order="mdy") == dt.date(2017, 11, 3)
    assert rd.parse_date("11/03/2017") == dt.date(2017, 3, 11)


def test_iban_and_vat():
    assert rd.valid_iban(GB_IBAN) and rd.valid_iban(FR_IBAN) and rd.valid_iban(DE_IBAN)
    assert not rd.valid_iban(GB_IBAN[:-1] + ("0" if GB_IBAN[-1] != "0" else "1"))
    assert not rd.valid_iban("US1234567890")
    assert [v for v, *_ in rd.find_vats("BTW NL810433941B01 / UStId DE 232 446 240")] == ["NL810433941B01", "DE232446240"]


# --- each field, three languages -------------------------------------------------------------------

def test_english_bill_every_field(english):
    r = english
    assert r["ok"] and r["source"] == "text" and r["pages"] == 1
    assert value(r, "supplier_name") == "ACME Supplies Ltd"
    assert value(r, "supplier_vat") == "GB123456789"
    assert value(r, "supplier_iban") == GB_IBAN
    assert value(r, "supplier_email") == "accounts@acme-supplies.co.uk"
    assert value(r, "bill_number") == "INV-2026-0042"
    assert value(r, "bill_date") == dt.date(2026, 11, 23)
    assert value(r, "due_date") == dt.date(2026, 12, 23)
    assert value(r, "po_reference") == "PO-7788"
    assert value(r, "currency") == "GBP"
    assert (value(r, "amount_untaxed"), value(r, "amount_tax"), value(r, "amount_total")) == (1234.56, 246.91, 1481.47)
    total = r["fields"]["amount_total"]
    assert total["confidence"] >= 0.8
    src = total["source"]
    assert src["page"] == 1 and src["label"].startswith("Total") and src["position"] == "right"
    assert 0.7 < src["bbox"][0] < 1 and 0.5 < src["bbox"][1] < 0.6
    assert r["findings"] == []
    assert [(ln["description"], ln["quantity"], ln["price_unit"], ln["amount"]) for ln in r["lines"]] == [
        ("Steel bolts M6", 100.0, 4.5, 450.0), ("Hex nuts M6", 200.0, 1.2, 240.0), ("Assembly service", 8.0, 68.07, 544.56)]
    assert r["tax_breakdown"][0]["rate"] == 20.0
    assert r["seconds"] < 1.0


def test_french_bill():
    r = rd.read_document(make_pdf(french_bill()), "facture.pdf")
    assert r["ok"] and r["conventions"]["decimal"] == ","
    assert value(r, "supplier_name") == "Dupont Fournitures SARL"
    assert value(r, "supplier_vat") == "FR40303265045"
    assert value(r, "supplier_iban") == FR_IBAN
    assert value(r, "supplier_company_registry") == "303 265 045 00015"
    assert value(r, "bill_number") == "FA-2026-117"
    assert value(r, "bill_date") == dt.date(2026, 11, 23)
    assert value(r, "due_date") == dt.date(2026, 12, 23)
    assert value(r, "po_reference") == "CMD-5521"
    assert value(r, "currency") == "EUR"
    assert (value(r, "amount_untaxed"), value(r, "amount_tax"), value(r, "amount_total")) == (1234.56, 246.91, 1481.47)
    assert [ln["amount"] for ln in r["lines"]] == [45.0, 1189.56]
    assert r["findings"] == []


def test_german_bill():
    r = rd.read_document(make_pdf(german_bill()), "rechnung.pdf")
    assert r["ok"]
    assert value(r, "supplier_name") == "Müller Technik GmbH"
    assert value(r, "supplier_vat") == "DE123456789"
    assert value(r, "supplier_iban") == DE_IBAN
    assert value(r, "supplier_company_registry") == "HRB 12345"
    assert value(r, "bill_number") == "RE-4711"
    assert value(r, "bill_date") == dt.date(2026, 11, 23)
    assert value(r, "due_date") == dt.date(2026, 12, 23)
    assert value(r, "currency") == "EUR"
    assert (value(r, "amount_untaxed"), value(r, "amount_tax"), value(r, "amount_total")) == (1234.56, 234.57, 1469.13)
    assert r["tax_breakdown"][0]["rate"] == 19.0
    assert r["findings"] == []


def test_result_is_json_serialisable(english):
    import json
    text = json.dumps(rd.to_json(english))
    assert '"bill_date": {"value": "2026-11-23"' in text


@pytest.mark.skipif(bool(rd.missing_tools(("tesseract", "pdftoppm"))), reason="Tesseract is not installed")
def test_scanned_bill_through_ocr(tmp_path):
    pdf = tmp_path / "bill.pdf"
    pdf.write_bytes(make_pdf(english_bill()))
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "scan")],
                   check=True, timeout=60)
    r = rd.read_document((tmp_path / "scan.png").read_bytes(), "scan.png", options={"dpi": 200})
    assert r["ok"] and r["source"] == "ocr" and r["ocr_pages"] == [1] and r["ocr_confidence"] > 0.5
    assert value(r, "amount_total") == 1481.47
    assert value(r, "bill_date") == dt.date(2026, 11, 23)
    assert value(r, "bill_number") == "INV-2026-0042"
    assert value(r, "supplier_iban") == GB_IBAN
    assert r["seconds"] < 8.0


# --- consistency ------------------------------------------------------------------------------------

def test_total_that_does_not_add_up_is_a_finding():
    r = rd.read_document(make_pdf(english_bill(total="1,581.47")), "bill.pdf")
    assert value(r, "amount_total") == 1581.47
    codes = {f["code"] for f in r["findings"]}
    assert "total_mismatch" in codes


def test_lines_and_tax_rate_findings():
    r = rd.read_document(make_pdf([widget_bill("W-100", "250.00", "55.00", "305.00")]), "bill.pdf")
    codes = {f["code"] for f in r["findings"]}
    assert "lines_mismatch" in codes          # 200.00 of lines, 250.00 untaxed
    assert "tax_rate_mismatch" in codes       # 20 % of 250.00 is 50.00, not 55.00
    assert "total_mismatch" not in codes      # 250 + 55 = 305


def test_summary_table_per_rate_closed_by_its_sum_row():
    """Amounts under column headings, one row per VAT rate, then (after a blank line) the sum row
    without a label of its own: the sums are the bill's amounts, not the first rate's row."""
    page = [(20, 20, "Grosshandel Nord GmbH", 14), (20, 27, "USt-IdNr. DE811907980", 9),
            (20, 34, "Beispielrechnung fuer den Lebensmittelhandel, Muster und Vorlage 2026", 8),
            (120, 50, "Beleg-Nr", 10), (150, 50, ":", 10), (155, 50, "R-2026-0815", 10),
            (120, 56, "Beleg-Datum", 10), (150, 56, ":", 10), (155, 56, "06.08.2026", 10)]
    page += table(100, [("Nettobetrag", "MwSt-Betrag", "MwSt-%", "Endbetrag"),
                        ("321,40", "61,07", "19,0", "382,47"),
                        ("127,59", "8,93", "7,0", "136,52")], cols=(60, 95, 130, 165))
    page += [(60, 128, "448,99", 10), (95, 128, "70,00", 10), (130, 128, "EUR", 10), (165, 128, "518,99", 10)]
    r = rd.read_document(make_pdf([page]), "rechnung.pdf")
    assert (value(r, "amount_untaxed"), value(r, "amount_tax"), value(r, "amount_total")) == (448.99, 70.0, 518.99)
    assert r["fields"]["amount_total"]["source"]["position"] == "column sum"
    assert r["lines"] == []  # the headings of a totals table start no bill lines
    assert value(r, "bill_number") == "R-2026-0815"
    assert value(r, "bill_date") == dt.date(2026, 8, 6)


def test_lines_with_position_numbers_and_a_footer_below_the_table():
    """A "Pos." column left of the quantity is not the quantity; the company footer under the table
    (registry, bank and phone numbers) gives no lines."""
    page = [(20, 20, "QualityHosting AG", 14), (20, 40, "Rechnungsnr. 30064443", 10),
            (20, 46, "Rechnungsdatum 7. Mai 2014", 10)]
    page += table(60, [("Pos.", "Menge", "Beschreibung", "Preis", "Betrag"),
                       ("1", "1", "Small Business Exchange", "3,89", "3,89"),
                       ("2", "3", "Quality Exchange", "5,39", "16,17")], cols=(20, 35, 55, 140, 170))
    page += [(130, 90, "Total EUR", 10), (170, 90, "20,06", 10),
             (20, 270, "Registergericht Hanau HRB 13302", 7), (100, 270, "Tel. +49 6051 916 44 10", 7),
             (160, 270, "Kto-Nr. 48567", 7)]
    r = rd.read_document(make_pdf([page]), "rechnung.pdf")
    assert [(ln["quantity"], ln["price_unit"], ln["amount"]) for ln in r["lines"]] == [(1.0, 3.89, 3.89), (3.0, 5.39, 16.17)]
    assert value(r, "amount_total") == 20.06


def test_amounts_printed_right_of_their_heading_and_a_position_column():
    """Amounts well right of a left-aligned "Amount" heading are the amounts, not the position numbers."""
    page = widget_header("W-102")
    page += table(60, [("Pos", "Description", "Price", "Amount"), ("1", "Widgets", "10.00", ""),
                       ("2", "Gadgets", "20.00", "")], cols=(20, 40, 110, 140))
    page += [(176, 67, "100.00", 10), (176, 74, "200.00", 10),
             (130, 90, "Subtotal", 10), (176, 90, "300.00", 10), (130, 96, "VAT 20%", 10), (176, 96, "60.00", 10),
             (130, 102, "Total", 10), (176, 102, "360.00", 10)]
    r = rd.read_document(make_pdf([page]), "bill.pdf")
    assert [(ln["quantity"], ln["price_unit"], ln["amount"]) for ln in r["lines"]] == [(10.0, 10.0, 100.0), (10.0, 20.0, 200.0)]
    assert not [f for f in r["findings"] if f["code"] == "lines_mismatch"]


def test_item_table_without_description_heading_and_its_column_sum():
    """"Code | Name | Unit Price | Total" is an item table (lines read); the sum under its "Total amount"
    heading is the untaxed amount, not the total that is labelled as such below."""
    page = widget_header("W-103")
    page += table(60, [("Code", "Name", "Unit Price", "Total amount"), ("W-1", "Widgets", "10.00", "100.00"),
                       ("G-2", "Gadgets", "20.00", "100.00")])
    page += [(165, 81, "200.00", 10), (130, 90, "VAT 20%", 10), (165, 90, "40.00", 10),
             (130, 96, "Grand total", 10), (165, 96, "240.00", 10)]
    r = rd.read_document(make_pdf([page]), "bill.pdf")
    assert [ln["amount"] for ln in r["lines"]] == [100.0, 100.0]
    assert value(r, "amount_total") == 240.0 and value(r, "amount_tax") == 40.0


def test_a_column_of_unrelated_amounts_is_not_summed():
    r = rd.read_document(make_pdf([widget_bill("W-101", "200.00", "40.00", "240.00")]), "bill.pdf")
    assert (value(r, "amount_untaxed"), value(r, "amount_tax"), value(r, "amount_total")) == (200.0, 40.0, 240.0)


# --- learning from a correction ----------------------------------------------------------------------

def odd_layout(ref, total):
    """A supplier that labels its bill number in a way no generic rule knows."""
    return [[(20, 20, "Odd Layout GmbH", 14), (20, 27, "USt-IdNr. DE811907980", 9),
             (20, 60, "Beleg-Kennung", 10), (70, 60, ref, 10),
             (20, 66, "Datum", 10), (70, 66, "02.03.2026", 10),
             (120, 100, "Summe netto", 10), (165, 100, "100,00", 10),
             (120, 106, "MwSt. 19 %", 10), (165, 106, "19,00", 10),
             (120, 112, "Gesamtbetrag", 10), (165, 112, total, 10)]]


def test_learning_from_a_correction():
    first = rd.read_document(make_pdf(odd_layout("QX 5582-1", "119,00")), "a.pdf")
    assert value(first, "bill_number") != "QX 5582-1"
    entry = rd.learn_correction(first, "bill_number", "QX 5582-1")
    assert entry["field"] == "bill_number" and entry["label"] == "beleg kennung" and entry["position"] == "right"
    import json
    entry = json.loads(json.dumps(entry))  # stored as JSON by the ORM layer
    second = rd.read_document(make_pdf(odd_layout("QX 6120-4", "119,00")), "b.pdf", memory=[entry])
    assert value(second, "bill_number") == "QX 6120-4"
    assert second["fields"]["bill_number"]["source"]["position"] == "memory"
    # a value that is not printed on the document teaches nothing
    assert rd.learn_correction(first, "bill_number", "NOT-THERE-99") is None


def test_memory_of_an_amount_wins_over_labels():
    first = rd.read_document(make_pdf(odd_layout("QX 1", "119,00")), "a.pdf")
    entry = rd.learn_correction(first, "amount_untaxed", 100.0)
    assert entry["kind"] == "amount"
    second = rd.read_document(make_pdf(odd_layout("QX 2", "119,00")), "b.pdf", memory=[entry])
    assert value(second, "amount_untaxed") == 100.0 and value(second, "amount_total") == 119.0


# --- partner matching ------------------------------------------------------------------------------------

def test_match_partner(english):
    partners = [{"id": 1, "name": "Acme Supplies Limited", "vat": "GB 123 456 789"},
                {"id": 2, "name": "Other", "ibans": [GB_IBAN]},
                {"id": 3, "name": "Someone", "email_domains": ["acme-supplies.co.uk"]}]
    assert rd.match_partner(english, partners) == {"partner_id": 1, "confidence": 0.99, "reason": "same VAT number"}
    assert rd.match_partner(english, partners[1:])["partner_id"] == 2
    assert rd.match_partner(english, partners[2:])["reason"] == "same e-mail domain"
    proposal = rd.match_partner(english, [{"id": 9, "name": "Unrelated Corp"}])
    assert proposal["partner_id"] is None
    assert proposal["proposal"]["vat"] == "GB123456789" and proposal["proposal"]["name"] == "ACME Supplies Ltd"


def test_own_company_numbers_are_never_the_supplier():
    r = rd.read_document(make_pdf(english_bill()), "bill.pdf", options={"own_vats": ["GB123456789"]})
    assert value(r, "supplier_vat") is None


# --- bad input -------------------------------------------------------------------------------------------

def codes(result):
    return [e["code"] for e in result["errors"]]


def test_empty_and_unknown_files():
    assert codes(rd.read_document(b"", "x.pdf")) == ["empty"]
    r = rd.read_document(b"hello world", "notes.txt")
    assert not r["ok"] and codes(r) == ["unsupported_format"]


def test_corrupt_pdf():
    r = rd.read_document(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage", "broken.pdf")
    assert not r["ok"] and codes(r)[0] in ("corrupt", "empty")


def test_encrypted_pdf():
    r = rd.read_document(make_pdf(english_bill(), encrypt="secret"), "locked.pdf")
    assert not r["ok"] and codes(r) == ["encrypted"]
    assert "password" in r["errors"][0]["message"]


def test_too_many_pages_are_capped():
    pages = english_bill() + [[(20, 20, f"Annex page {i}", 10)] for i in range(11)]
    r = rd.read_document(make_pdf(pages), "long.pdf", options={"max_pages": 5})
    assert r["ok"] and r["pages"] == 12 and r["pages_read"] == 5
    assert codes(r) == ["too_many_pages"] and not r["errors"][0]["fatal"]
    assert value(r, "amount_total") == 1481.47


@pytest.mark.skipif(bool(rd.missing_tools(("tesseract",))), reason="Tesseract is not installed")
def test_image_without_text():
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("L", (600, 800), 255).save(buffer, format="PNG")
    r = rd.read_document(buffer.getvalue(), "blank.png")
    assert not r["ok"] and codes(r) == ["no_text"]


def test_pdf_without_text_and_ocr_disabled():
    r = rd.read_document(make_pdf([[]]), "blank.pdf", options={"ocr": False})
    assert not r["ok"] and codes(r) == ["no_text"]


def test_unknown_currency():
    page = [(20, 20, "Crypto Traders Ltd", 14), (20, 40, "Invoice No: CT-9", 10), (20, 46, "Invoice Date: 01/02/2026", 10),
            (120, 80, "Currency:", 10), (160, 80, "XQZ", 10),
            (120, 90, "Total", 10), (160, 90, "120.00 XQZ", 10)]
    r = rd.read_document(make_pdf([page]), "bill.pdf")
    assert r["ok"] and "unknown_currency" in codes(r)
    assert "XQZ" in next(e["message"] for e in r["errors"] if e["code"] == "unknown_currency")
    assert value(r, "currency") is None and value(r, "amount_total") == 120.0


def test_currency_not_active_in_the_database(english):
    r = rd.read_document(make_pdf(english_bill()), "bill.pdf", options={"currencies": ["EUR", "USD"]})
    assert "unknown_currency" in codes(r)


# --- embedded XML ---------------------------------------------------------------------------------------

def test_xml_file_and_embedded_xml():
    xml = b'<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:x"/>'
    r = rd.read_document(xml, "factur-x.xml")
    assert r["source"] == "xml" and r["embedded_xml"][0]["data"] == xml
    pypdf = None
    for name in ("pypdf", "PyPDF2"):
        try:
            pypdf = __import__(name)
            break
        except ImportError:
            continue
    if pypdf is None or shutil.which("pdfdetach") is None:
        pytest.skip("no PDF writer to embed a file")
    reader = pypdf.PdfReader(io.BytesIO(make_pdf(english_bill())))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment("factur-x.xml", xml)
    buffer = io.BytesIO()
    writer.write(buffer)
    r = rd.read_document(buffer.getvalue(), "bill.pdf")
    assert r["source"] == "xml"
    assert r["embedded_xml"][0]["name"] == "factur-x.xml" and r["embedded_xml"][0]["size"] == len(xml)
    assert value(r, "amount_total") == 1481.47      # the page is still read
    r = rd.read_document(buffer.getvalue(), "bill.pdf", options={"ignore_embedded_xml": True})
    assert r["source"] == "text"
