"""String helpers: bill references, bank accounts, and the similarity measures of duplicate detection.

The similarity measures follow the usual textbook definitions, with the variants used by the
FISCAL Technologies duplicate-pair data set (see ``benchmarks/README.md``) so that a scorer
fitted on that data set can be applied to two bills: Jaro on the strings and on the reversed
strings, Damerau-Levenshtein (optimal string alignment) normalised by the longer length,
positional padded q-grams (Dice), longest common substrings of a minimum length, and
Smith-Waterman with affine gaps and Soundex-group approximate matches. Every function returns a
similarity in [0, 1] (1 = identical) and accepts empty strings.
"""
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
_DIGIT_RUN = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_SKELETON = re.compile(r"[^0-9A-Z#]+")


def _ascii_upper(text):
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).upper()


def normalise_ref(ref):
    """A bill reference reduced to what survives re-typing: upper case letters and digits, no
    separators, no leading zeros in numbers ("inv-000123/a" -> "INV123A", "2017/0042" ->
    "201742"); "" when empty."""
    if ref is None or ref is False:
        return ""
    text = _DIGIT_RUN.sub(lambda m: m.group(0).lstrip("0") or "0", _ascii_upper(ref))
    return _NON_ALNUM.sub("", text)


_LABEL = re.compile(r"^\s*(?:NO|NR|NUM|NUMBER|N|REF|REFERENCE|INV|INVOICE|BILL|FACTURE|FACT|FAC|FA|RECHNUNG|RE|DOC)"
                    r"(?:\s*[.:#°º/-]\s*|\s+)(?=\w)")


def unlabelled_ref(ref):
    """The reference without a leading label such as "No.", "Invoice", "Ref:" ("No. 00573" ->
    "573"), normalised; "" when there is no such label."""
    if ref is None or ref is False:
        return ""
    text = _ascii_upper(ref)
    stripped = _LABEL.sub("", text, count=1)
    return normalise_ref(stripped) if stripped != text else ""


def flat_ref(ref):
    """Like :func:`normalise_ref`, but separators are removed before leading zeros, so a number
    typed with a space inside ("SI00 05980") matches ("SI5980")."""
    if ref is None or ref is False:
        return ""
    text = _NON_ALNUM.sub("", _ascii_upper(ref))
    return _DIGIT_RUN.sub(lambda m: m.group(0).lstrip("0") or "0", text)


def compact_ref(ref):
    """A reference without case, spaces or punctuation, zeros kept ("inv-000123/a" -> "INV000123A"):
    what edit distances are measured on."""
    if ref is None or ref is False:
        return ""
    return _NON_ALNUM.sub("", _ascii_upper(ref))


def ref_skeleton(ref):
    """The form of a reference: its letters, each number replaced by "#" ("INV-2017/0042" ->
    "INV##"). Two references of the same form differ only in their numbers."""
    if ref is None or ref is False:
        return ""
    return _SKELETON.sub("", _DIGIT_RUN.sub("#", _ascii_upper(ref)))


def ref_numbers(ref):
    """The numbers of a reference, in order ("INV-2017/0042" -> (2017, 42))."""
    if ref is None or ref is False:
        return ()
    return tuple(int(m) for m in _DIGIT_RUN.findall(str(ref)))


def ref_widths(ref):
    """How many digits each number of a reference is written with ("INV-2017/0042" -> (4, 4))."""
    if ref is None or ref is False:
        return ()
    return tuple(len(m) for m in _DIGIT_RUN.findall(str(ref)))


def ref_digits(ref):
    """The numbers of a reference written one after the other, without leading zeros ("" when
    none): "INV-2023/00045" and "2023 45" both give "202345"."""
    return "".join(str(n) for n in ref_numbers(ref))


def flat_digits(ref):
    """Every digit of a reference, leading zeros removed: "SI00 05980" -> "5980"."""
    if ref is None or ref is False:
        return ""
    digits = "".join(ch for ch in str(ref) if ch.isdigit())
    return digits.lstrip("0") or ("0" if digits else "")


def normalise_name(name):
    """Partner names compared as upper case words separated by single spaces."""
    if not name:
        return ""
    return _SPACES.sub(" ", _ascii_upper(name)).strip()


def normalise_iban(iban):
    """IBAN without spaces, upper case; "" when empty."""
    if not iban:
        return ""
    return re.sub(r"[^0-9A-Z]", "", str(iban).upper())


def iban_is_valid(iban):
    """ISO 13616 check digits (mod 97). Account numbers that are not IBANs (no country prefix) are
    not judged: True."""
    iban = normalise_iban(iban)
    if len(iban) < 5 or not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return True
    moved = iban[4:] + iban[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in moved))
    except ValueError:
        return False
    return number % 97 == 1


# ------------------------------------------------------------------------------------------------
# Similarities


def jaro(s1, s2):
    """Jaro similarity."""
    if s1 == s2:
        return 1.0
    n1, n2 = len(s1), len(s2)
    if not n1 or not n2:
        return 0.0
    window = max(max(n1, n2) // 2 - 1, 0)
    used = [False] * n2
    matched1 = []
    for i, ch in enumerate(s1):
        lo, hi = max(0, i - window), min(n2, i + window + 1)
        for j in range(lo, hi):
            if not used[j] and s2[j] == ch:
                used[j] = True
                matched1.append(ch)
                break
    m = len(matched1)
    if not m:
        return 0.0
    matched2 = [s2[j] for j in range(n2) if used[j]]
    transpositions = sum(a != b for a, b in zip(matched1, matched2)) // 2
    return (m / n1 + m / n2 + (m - transpositions) / m) / 3.0


def jaro_winkler(s1, s2, prefix_scale=0.1, boost_threshold=0.7):
    """Jaro-Winkler similarity (common prefix up to 4 characters)."""
    j = jaro(s1, s2)
    if j <= boost_threshold:
        return j
    prefix = 0
    for a, b in zip(s1[:4], s2[:4]):
        if a != b:
            break
        prefix += 1
    return j + prefix * prefix_scale * (1.0 - j)


def damerau_levenshtein(s1, s2):
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent
    transpositions)."""
    n1, n2 = len(s1), len(s2)
    if not n1:
        return n2
    if not n2:
        return n1
    prev2 = None
    prev = list(range(n2 + 1))
    for i in range(1, n1 + 1):
        cur = [i] + [0] * n2
        a = s1[i - 1]
        for j in range(1, n2 + 1):
            b = s2[j - 1]
            cost = 0 if a == b else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if cost and i > 1 and j > 1 and a == s2[j - 2] and s1[i - 2] == b:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[n2]


def damerau_levenshtein_similarity(s1, s2):
    """1 - distance / longer length."""
    if s1 == s2:
        return 1.0
    return 1.0 - damerau_levenshtein(s1, s2) / max(len(s1), len(s2))


_PAD_START, _PAD_END = "\x01", "\x02"


def qgram_similarity(s1, s2, q=2, max_dist=2):
    """Positional, padded q-grams, Dice coefficient: q-grams in common (at most ``max_dist``
    positions apart) over the average number of q-grams."""
    if s1 == s2:
        return 1.0
    if len(s1) < q or len(s2) < q:
        return 0.0
    p1 = _PAD_START * (q - 1) + s1 + _PAD_END * (q - 1)
    p2 = _PAD_START * (q - 1) + s2 + _PAD_END * (q - 1)
    g1 = [(p1[i:i + q], i) for i in range(len(p1) - q + 1)]
    g2 = [(p2[i:i + q], i) for i in range(len(p2) - q + 1)]
    short, long_ = (g1, g2) if len(g1) < len(g2) else (g2, g1)
    available = {}
    for gram, pos in long_:
        available.setdefault(gram, []).append(pos)
    common = 0
    for gram, pos in short:
        positions = available.get(gram)
        if not positions:
            continue
        for k, other in enumerate(positions):
            if abs(other - pos) <= max_dist:
                del positions[k]
                common += 1
                break
    return common / (0.5 * (len(g1) + len(g2)))


def _longest_common_substring(s1, s2):
    best, end1, end2 = 0, 0, 0
    prev = [0] * (len(s2) + 1)
    for i in range(1, len(s1) + 1):
        cur = [0] * (len(s2) + 1)
        a = s1[i - 1]
        for j in range(1, len(s2) + 1):
            if a == s2[j - 1]:
                v = prev[j - 1] + 1
                cur[j] = v
                if v > best:
                    best, end1, end2 = v, i, j
        prev = cur
    return best, end1, end2


def common_substring_similarity(s1, s2, min_length=3):
    """Sum of the lengths of common substrings of at least ``min_length`` characters, found
    greedily (longest first, each removed from both strings), over the average length."""
    if s1 == s2:
        return 1.0 if s1 else 0.0
    total_length = len(s1) + len(s2)
    if not total_length:
        return 0.0
    total = 0
    while True:
        length, end1, end2 = _longest_common_substring(s1, s2)
        if length < min_length:
            break
        total += length
        s1 = s1[:end1 - length] + s1[end1:]
        s2 = s2[:end2 - length] + s2[end2:]
    return 2.0 * total / total_length


_SOUNDEX_GROUPS = {}
for _group, _letters in enumerate(("AEHIOUWY", "BFPV", "CGJKQSXZ", "DT", "L", "MN", "R"), start=1):
    for _ch in _letters:
        _SOUNDEX_GROUPS[_ch] = _group


def smith_waterman_similarity(s1, s2, match=5.0, approx=2.0, mismatch=5.0, gap_open=5.0, gap_extend=1.0):
    """Best local alignment score (affine gaps; letters of the same Soundex group count as an
    approximate match) over the score of a perfect match of the average length."""
    if s1 == s2:
        return 1.0 if s1 else 0.0
    n1, n2 = len(s1), len(s2)
    if not n1 or not n2:
        return 0.0
    neg = -1e18
    h_prev = [0.0] * (n2 + 1)
    x_prev = [neg] * (n2 + 1)
    y_prev = [neg] * (n2 + 1)
    best = 0.0
    for i in range(1, n1 + 1):
        a = s1[i - 1]
        ga = _SOUNDEX_GROUPS.get(a, 0)
        h_cur = [0.0] * (n2 + 1)
        x_cur = [neg] * (n2 + 1)
        y_cur = [neg] * (n2 + 1)
        for j in range(1, n2 + 1):
            b = s2[j - 1]
            if a == b:
                s = match
            elif ga and ga == _SOUNDEX_GROUPS.get(b, 0):
                s = approx
            else:
                s = -mismatch
            x_cur[j] = max(h_cur[j - 1] - gap_open - gap_extend, x_cur[j - 1] - gap_extend)
            y_cur[j] = max(h_prev[j] - gap_open - gap_extend, y_prev[j] - gap_extend)
            v = max(0.0, s + max(h_prev[j - 1], x_prev[j - 1], y_prev[j - 1]))
            h_cur[j] = v
            if v > best:
                best = v
        h_prev, x_prev, y_prev = h_cur, x_cur, y_cur
    return min(1.0, best / (match * 0.5 * (n1 + n2)))


REF_SIMILARITIES = ("jaro", "jaro_reversed", "damerau_levenshtein", "qgram2", "qgram3", "substring2",
                    "substring3", "smith_waterman")
NAME_SIMILARITIES = ("jaro", "damerau_levenshtein", "qgram2", "qgram3", "substring2", "substring3",
                     "substring4")


def _similarity(name, s1, s2):
    if name == "jaro":
        return jaro(s1, s2)
    if name == "jaro_reversed":
        return jaro(s1[::-1], s2[::-1])
    if name == "damerau_levenshtein":
        return damerau_levenshtein_similarity(s1, s2)
    if name.startswith("qgram"):
        return qgram_similarity(s1, s2, q=int(name[5:]))
    if name.startswith("substring"):
        return common_substring_similarity(s1, s2, min_length=int(name[9:]))
    if name == "smith_waterman":
        return smith_waterman_similarity(s1, s2)
    raise KeyError(name)


def similarities(s1, s2, names):
    """{name: similarity} of two strings for the measures ``names``."""
    s1 = s1 or ""
    s2 = s2 or ""
    if s1 == s2:
        return {name: (1.0 if s1 else 0.0) for name in names}
    return {name: _similarity(name, s1, s2) for name in names}
