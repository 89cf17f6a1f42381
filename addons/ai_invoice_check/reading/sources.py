"""Getting positioned words out of a document: Poppler for PDFs, Tesseract for images.

Every tool runs as a subprocess with a timeout, in a private temporary directory; a failure is
returned as an error code, never raised. Words come out as ``(text, x0, y0, x1, y1)`` in page
fractions (0..1, origin top left), so the text layer and OCR give the same geometry.
"""
import html
import os
import re
import shutil
import subprocess
import tempfile

TOOLS = ("pdfinfo", "pdftotext", "pdftoppm", "pdfdetach", "tesseract")


class ReadError(Exception):
    """A document that cannot be read; ``code`` is one of the error codes of the result."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def missing_tools(names=TOOLS):
    """Names of the command-line tools that are not installed."""
    return [name for name in names if shutil.which(name) is None]


def run(args, timeout, cwd=None):
    """stdout of a command (bytes), or a ReadError on timeout / failure."""
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    try:
        proc = subprocess.run(args, capture_output=True, timeout=timeout, cwd=cwd, env=env, check=False)
    except FileNotFoundError as exc:
        raise ReadError("tool_missing", f"{args[0]} is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise ReadError("timeout", f"{args[0]} took more than {timeout:g} s") from exc
    if proc.returncode != 0:
        raise ReadError("tool_failed", (proc.stderr or b"").decode("utf-8", "replace").strip()[:300]
                        or f"{args[0]} failed ({proc.returncode})")
    return proc.stdout


def sniff(data, filename="", mimetype=""):
    """"pdf", "image", "xml" or None, from the bytes first, then the name and type."""
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")) or (
            head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.lstrip().startswith(b"<?xml") or head.lstrip().startswith(b"<"):
        return "xml"
    name = (filename or "").lower()
    mime = (mimetype or "").lower()
    if name.endswith(".pdf") or "pdf" in mime:
        return "pdf"
    return None


def pdf_info(path, timeout):
    """``{"pages": n, "encrypted": bool}`` of a PDF (pdfinfo), or a ReadError."""
    try:
        out = run(["pdfinfo", path], timeout).decode("utf-8", "replace")
    except ReadError as exc:
        low = exc.message.lower()
        if "incorrect password" in low or "encrypt" in low or "password" in low:
            raise ReadError("encrypted", "the PDF is protected by a password") from exc
        if exc.code == "tool_failed":
            raise ReadError("corrupt", f"the PDF cannot be opened ({exc.message})") from exc
        raise
    pages = re.search(r"^Pages:\s+(\d+)", out, re.M)
    encrypted = re.search(r"^Encrypted:\s+(\w+)", out, re.M)
    return {"pages": int(pages.group(1)) if pages else 0,
            "encrypted": bool(encrypted and encrypted.group(1).lower() == "yes")}


def pdf_attachments(path, timeout):
    """``[{"name", "data"}]`` of the XML files embedded in a PDF (Factur-X, ZUGFeRD, XRechnung, UBL)."""
    try:
        listing = run(["pdfdetach", "-list", path], timeout).decode("utf-8", "replace")
    except ReadError:
        return []
    found = []
    for line in listing.splitlines():
        match = re.match(r"\s*(\d+):\s+(.*)$", line)
        if not match or not match.group(2).lower().endswith(".xml"):
            continue
        with tempfile.TemporaryDirectory(prefix="ai_bill_") as tmp:
            target = os.path.join(tmp, "embedded.xml")
            try:
                run(["pdfdetach", "-save", match.group(1), "-o", target, path], timeout)
                with open(target, "rb") as handle:
                    found.append({"name": match.group(2).strip(), "data": handle.read()})
            except (ReadError, OSError):
                continue
    return found


_PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD_RE = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', re.S)


def pdf_words(path, first, last, timeout):
    """Words of the text layer of pages ``first``..``last``: ``[{"width", "height", "words"}]``."""
    out = run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), path, "-"], timeout)
    pages = []
    for page in _PAGE_RE.finditer(out.decode("utf-8", "replace")):
        width, height = float(page.group(1)) or 1.0, float(page.group(2)) or 1.0
        words = []
        for word in _WORD_RE.finditer(page.group(3)):
            text = html.unescape(word.group(5)).strip()
            if text:
                x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
                words.append((text, x0 / width, y0 / height, x1 / width, y1 / height))
        pages.append({"width": width, "height": height, "words": words})
    return pages


#: longest side of a page rendered for OCR, in inches (A3 is 16.5): a PDF whose page claims to be
#: metres wide is rendered at this size, not at the resolution asked (that would be gigapixels)
MAX_PAGE_INCHES = 17.0


def page_sizes(path, first, last, timeout):
    """{page number: (width, height) in points} of a PDF (pdfinfo); pages it does not list are absent."""
    try:
        out = run(["pdfinfo", "-f", str(first), "-l", str(last), path], timeout).decode("utf-8", "replace")
    except ReadError:
        return {}
    return {int(n): (float(w), float(h))
            for n, w, h in re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)}


def render_pages(path, pages, dpi, tmpdir, timeout):
    """PNG files of the given 1-based pages of a PDF, each at ``dpi`` and at most
    :data:`MAX_PAGE_INCHES` on its longest side."""
    files = []
    sizes = page_sizes(path, min(pages), max(pages), timeout) if pages else {}
    for number in pages:
        prefix = os.path.join(tmpdir, f"page{number}")
        width, height = sizes.get(number, (0.0, 0.0))
        if max(width, height) / 72.0 > MAX_PAGE_INCHES or number not in sizes:
            scale = ["-scale-to", str(int(MAX_PAGE_INCHES * dpi))]
        else:
            scale = ["-r", str(dpi)]
        run(["pdftoppm", *scale, "-gray", "-png", "-f", str(number), "-l", str(number),
             "-singlefile", path, prefix], timeout)
        files.append(prefix + ".png")
    return files


def ocr_words(image_path, languages, timeout, dpi=None):
    """Tesseract TSV of one image file (a multi-page TIFF gives several pages):
    ``[{"width", "height", "words", "confidence"}]``."""
    args = ["tesseract", image_path, "stdout", "-l", languages, "--psm", "3"]
    if dpi:
        args += ["--dpi", str(dpi)]
    out = run(args + ["tsv"], timeout).decode("utf-8", "replace")
    pages = {}
    for line in out.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12:
            continue
        level, page_num = cols[0], int(cols[1])
        left, top, width, height = (int(cols[i]) for i in range(6, 10))
        if level == "1":
            pages[page_num] = {"width": max(width, 1), "height": max(height, 1), "words": [], "conf": []}
            continue
        text = cols[11].strip()
        if level != "5" or not text or page_num not in pages:
            continue
        conf = float(cols[10])
        if conf < 0:
            continue
        page = pages[page_num]
        pw, ph = page["width"], page["height"]
        page["words"].append((text, left / pw, top / ph, (left + width) / pw, (top + height) / ph))
        page["conf"].append(conf)
    result = []
    for number in sorted(pages):
        page = pages[number]
        conf = page.pop("conf")
        page["confidence"] = round(sum(conf) / len(conf) / 100.0, 3) if conf else 0.0
        result.append(page)
    return result
