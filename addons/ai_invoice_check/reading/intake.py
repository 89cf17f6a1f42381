"""What a supplier bill document must be before anything reads it: its type told by its content (not
its name), its size, its pixels, whether it can be opened at all.

Pure Python (no ``odoo`` import). :func:`check_document` returns a code and values, never a sentence;
the ORM layer words them in the reader's language.

Codes: ``empty``, ``bad_base64``, ``too_large`` (``size_mb``, ``max_mb``), ``unknown_type``,
``encrypted_pdf``, ``corrupt_pdf``, ``too_many_pages`` (``pages``, ``max_pages``),
``image_too_large`` (``pixels``, ``max_pixels``), ``corrupt_image``, ``bad_xml``.
"""
import base64
import binascii
import io
import logging
import os
import re
import tempfile
import warnings

#: default size cap of one document (the setting ``ai_invoice_check.max_document_mb``)
DEFAULT_MAX_MB = 20
#: pixels of one page image above which it is refused unopened (a decompression bomb: a few KB of PNG
#: that would expand to gigabytes); an A4 page scanned at 600 dpi in colour is 35 Mpx
MAX_PIXELS = 50_000_000
#: pages of one PDF read (a bill; a longer document is a statement or a catalogue)
MAX_PAGES = 100
#: seconds Poppler may take to open a PDF before it is refused as damaged
PDF_TIMEOUT = 10

KINDS = ("pdf", "xml", "png", "jpeg", "tiff")
MIMETYPES = {"pdf": "application/pdf", "xml": "application/xml", "png": "image/png", "jpeg": "image/jpeg",
             "tiff": "image/tiff"}

_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml|[A-Za-z_!])")


class IntakeError(ValueError):
    """A document that must not be read: ``code`` and ``values`` for the message."""

    def __init__(self, code, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def sniff(data):
    """The kind of ``data`` told by its first bytes: one of :data:`KINDS`, or None."""
    head = bytes(data[:1024])
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if _XML_START.match(head):
        return "xml"
    return None


def decode_base64(text, max_bytes=None):
    """The bytes of a base64 text (as XML-RPC callers send files), checked before decoding for size.

    :raises IntakeError: ``empty``, ``too_large``, ``bad_base64``
    """
    if isinstance(text, str):
        text = text.encode("ascii", "replace")
    if not isinstance(text, (bytes, bytearray)) or not text.strip():
        raise IntakeError("empty")
    if max_bytes is not None and len(text) * 3 // 4 > max_bytes + 3:
        raise IntakeError("too_large", size_mb=len(text) * 3 / 4 / 1e6, max_mb=max_bytes / 1e6)
    try:
        data = base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise IntakeError("bad_base64") from None
    if not data:
        raise IntakeError("empty")
    return data


def check_document(data, max_bytes=DEFAULT_MAX_MB * 1_000_000, max_pixels=MAX_PIXELS, max_pages=MAX_PAGES):
    """Check a document before reading it.

    :return: ``{"kind": one of KINDS, "mimetype": str, "pages": n or None, "pixels": n or None}``
    :raises IntakeError: with the first problem found (codes in the module's docstring)
    """
    if not data:
        raise IntakeError("empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise IntakeError("too_large", size_mb=len(data) / 1e6, max_mb=max_bytes / 1e6)
    kind = sniff(data)
    if kind is None:
        raise IntakeError("unknown_type")
    info = {"kind": kind, "mimetype": MIMETYPES[kind], "pages": None, "pixels": None}
    if kind == "pdf":
        info["pages"] = _check_pdf(data, max_pages)
    elif kind == "xml":
        _check_xml(data)
    else:
        info["pixels"] = _check_image(data, max_pixels)
    return info


def _pdf_reader_class():
    try:
        from pypdf import PdfReader   # Odoo 19 on Python 3.13
    except ImportError:
        from PyPDF2 import PdfReader  # Odoo 19 on Python 3.10-3.12
    return PdfReader


def _check_pdf(data, max_pages):
    """Pages of a PDF that opens; an encrypted PDF opens when it has no user password (only its
    permissions are restricted, as some suppliers' invoicing tools do). Opened by Poppler's pdfinfo,
    as the reader will, in a process bounded by :data:`PDF_TIMEOUT` (a Python PDF parser can loop
    for ever on a crafted file); without Poppler, by the PDF library."""
    from . import sources

    if not sources.missing_tools(("pdfinfo",)):
        with tempfile.TemporaryDirectory(prefix="ai_intake_") as tmp:
            path = os.path.join(tmp, "document.pdf")
            with open(path, "wb") as handle:
                handle.write(data)
            try:
                pages = sources.pdf_info(path, PDF_TIMEOUT)["pages"]
            except sources.ReadError as exc:
                raise IntakeError("encrypted_pdf" if exc.code == "encrypted" else "corrupt_pdf") from None
        return _checked_pages(pages, max_pages)
    try:
        PdfReader = _pdf_reader_class()
    except ImportError:           # no PDF library: the reader will say what it can
        return None
    # the PDF library logs every oddity of a damaged file: refusing the file says it once, in the user's words
    loggers = [logging.getLogger(name) for name in ("PyPDF2", "pypdf")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        return _open_pdf(PdfReader, data, max_pages)
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _open_pdf(PdfReader, data, max_pages):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
        except Exception:  # noqa: BLE001 - every parser error means the same to the user
            raise IntakeError("corrupt_pdf") from None
        if encrypted:
            try:
                opened = reader.decrypt("")
            except NotImplementedError:  # an algorithm the library lacks: let the reader try
                return None
            except Exception:  # noqa: BLE001 - a missing crypto dependency or a broken dictionary
                raise IntakeError("encrypted_pdf") from None
            if not opened:
                raise IntakeError("encrypted_pdf")
        try:
            pages = len(reader.pages)
        except Exception:  # noqa: BLE001
            raise IntakeError("corrupt_pdf") from None
    return _checked_pages(pages, max_pages)


def _checked_pages(pages, max_pages):
    if not pages:
        raise IntakeError("corrupt_pdf")
    if max_pages is not None and pages > max_pages:
        raise IntakeError("too_many_pages", pages=pages, max_pages=max_pages)
    return pages


def _check_xml(data):
    from lxml import etree

    # no entity expansion, no DTD, no network: a "billion laughs" file is refused, not expanded
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(bytes(data), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        raise IntakeError("bad_xml") from None
    if root is None:
        raise IntakeError("bad_xml")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and b"<!ENTITY" in bytes(data[:65536]):
        raise IntakeError("bad_xml")


def _check_image(data, max_pixels):
    """Pixels of the image (every frame of a TIFF), read from its header only: a decompression bomb is
    refused before anything is decoded."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            frames = getattr(image, "n_frames", 1) or 1
        except Image.DecompressionBombError:
            raise IntakeError("image_too_large", pixels=None, max_pixels=max_pixels) from None
        except Exception:  # noqa: BLE001 - every decoder error means the same to the user
            raise IntakeError("corrupt_image") from None
        pixels = width * height * frames
        if max_pixels is not None and pixels > max_pixels:
            raise IntakeError("image_too_large", pixels=pixels, max_pixels=max_pixels)
        try:
            image.verify()
        except Exception:  # noqa: BLE001
            raise IntakeError("corrupt_image") from None
    return pixels
