"""ai_invoice_check's document intake (reading/intake.py): type by content, size and pixel caps,
encrypted, corrupt and empty files, each refused with its own code, without Odoo."""
import base64
import importlib
import io
import struct
import zlib

import pytest

from cores import load_core

load_core("ai_invoice_check", "reading")
intake = importlib.import_module("ai_invoice_check__reading.intake")


def pdf_bytes(pages=1, text="Facture 2024-117"):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    out = io.BytesIO()
    c = canvas.Canvas(out)
    for page in range(pages):
        c.drawString(72, 720, f"{text} page {page + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def encrypted_pdf(user_password, owner_password="owner"):
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError:
        from PyPDF2 import PdfReader, PdfWriter
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password, owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_header(width, height):
    """A PNG whose header claims width x height (the pixels are never there: a bomb's shape)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def image_bytes(fmt, size=(40, 30)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(out, format=fmt)
    return out.getvalue()


def code_of(data, **kw):
    with pytest.raises(intake.IntakeError) as caught:
        intake.check_document(data, **kw)
    return caught.value.code, caught.value.values


@pytest.mark.parametrize("fmt,kind", [("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff")])
def test_images_are_told_by_content(fmt, kind):
    info = intake.check_document(image_bytes(fmt))
    assert info["kind"] == kind
    assert info["pixels"] == 40 * 30


def test_pdf_and_xml_are_accepted():
    info = intake.check_document(pdf_bytes(pages=2))
    assert (info["kind"], info["pages"]) == ("pdf", 2)
    xml = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    assert intake.check_document(xml)["kind"] == "xml"
    assert intake.check_document(b"\xef\xbb\xbf  <Invoice/>")["kind"] == "xml"


def test_a_renamed_file_is_judged_by_its_bytes():
    assert code_of(b"PK\x03\x04 a zip named bill.pdf")[0] == "unknown_type"
    assert code_of(b"MZ\x90\x00 an executable")[0] == "unknown_type"
    assert code_of(b"plain text, not a bill")[0] == "unknown_type"


def test_empty_and_bad_base64():
    assert code_of(b"")[0] == "empty"
    for text in ("", "   ", None):
        with pytest.raises(intake.IntakeError) as caught:
            intake.decode_base64(text)
        assert caught.value.code == "empty"
    with pytest.raises(intake.IntakeError) as caught:
        intake.decode_base64("not base64 at all!")
    assert caught.value.code == "bad_base64"
    data = pdf_bytes()
    assert intake.decode_base64(base64.b64encode(data).decode()) == data


def test_size_cap_before_decoding():
    data = pdf_bytes()
    code, values = code_of(data, max_bytes=len(data) - 1)
    assert code == "too_large" and values["max_mb"] == pytest.approx((len(data) - 1) / 1e6)
    # base64 text is refused for its size before it is decoded
    with pytest.raises(intake.IntakeError) as caught:
        intake.decode_base64("A" * 4_000_000, max_bytes=1_000_000)
    assert caught.value.code == "too_large"
    assert caught.value.values["size_mb"] == pytest.approx(3.0)


def test_decompression_bomb_is_refused_from_its_header():
    code, values = code_of(png_header(8000, 7000))
    assert code == "image_too_large" and values["pixels"] == 56_000_000
    # far beyond the cap: Pillow refuses to open it at all, same answer
    assert code_of(png_header(100_000, 100_000))[0] == "image_too_large"
    # within the cap the same header passes (its pixels are the reader's concern, not a bomb)
    assert intake.check_document(png_header(2000, 1000))["pixels"] == 2_000_000


def test_encrypted_pdf():
    assert code_of(encrypted_pdf("secret"))[0] == "encrypted_pdf"
    # restricted permissions only (no password to open): readable, accepted
    assert intake.check_document(encrypted_pdf(""))["kind"] == "pdf"


def test_corrupt_files():
    data = pdf_bytes()
    assert code_of(data[: len(data) // 3])[0] == "corrupt_pdf"
    assert code_of(b"%PDF-1.7\n garbage garbage")[0] == "corrupt_pdf"
    assert code_of(image_bytes("PNG")[:30])[0] == "corrupt_image"
    assert code_of(b"<?xml version='1.0'?><Invoice><unclosed></Invoice>")[0] == "bad_xml"


def test_too_many_pages():
    code, values = code_of(pdf_bytes(pages=4), max_pages=3)
    assert code == "too_many_pages" and values == {"pages": 4, "max_pages": 3}


def test_entity_expansion_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Invoice>&lol2;</Invoice>')
    assert code_of(bomb)[0] == "bad_xml"


def test_a_pdf_that_loops_the_python_parser_is_refused():
    """Found by benchmarks/fuzz.py (a mutation of a generated bill): PyPDF2 never returns on it. The
    intake opens PDFs with Poppler in a bounded process, as the reader does."""
    import shutil
    from pathlib import Path

    if not shutil.which("pdfinfo"):
        pytest.skip("Poppler is not installed")
    data = (Path(__file__).parent / "data" / "pypdf_loop.pdf").read_bytes()
    assert code_of(data)[0] == "corrupt_pdf"
