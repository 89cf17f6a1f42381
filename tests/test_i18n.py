"""Users write French first: every module ships i18n/<module>.pot and a complete i18n/fr.po."""
import polib
import pytest

from odoo_harness import ADDONS, suite_modules


@pytest.mark.parametrize("module", suite_modules())
def test_french_translation_is_complete(module):
    pot_path, po_path = ADDONS / module / "i18n" / f"{module}.pot", ADDONS / module / "i18n" / "fr.po"
    assert pot_path.exists(), f"{pot_path} is missing: run ./suite pot {module}"
    assert po_path.exists(), f"{po_path} is missing"
    pot, po = polib.pofile(str(pot_path)), polib.pofile(str(po_path))
    assert po.metadata.get("Language") == "fr", "fr.po must declare Language: fr"
    translated = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in po if not entry.obsolete}
    missing = [entry.msgid for entry in pot if not translated.get((entry.msgctxt, entry.msgid))]
    assert not missing, f"{len(missing)} strings of {module}.pot have no French translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("module", suite_modules())
def test_placeholders_survive_translation(module):
    po_path = ADDONS / module / "i18n" / "fr.po"
    if not po_path.exists():
        pytest.skip("no fr.po")
    import re

    for entry in polib.pofile(str(po_path)):
        if entry.msgstr:
            named = lambda text: sorted(re.findall(r"%\(\w+\)s|%s|%d", text))  # noqa: E731
            assert named(entry.msgid) == named(entry.msgstr), f"placeholders differ in {entry.msgid!r}"


@pytest.mark.parametrize("module", suite_modules())
def test_every_translation_is_in_the_template(module):
    """Odoo merges fr.po with the module's .pot when it reads code translations: an entry missing from
    the .pot is taken as obsolete and the user reads English (run ./suite pot after adding messages)."""
    pot_path, po_path = ADDONS / module / "i18n" / f"{module}.pot", ADDONS / module / "i18n" / "fr.po"
    if not (pot_path.exists() and po_path.exists()):
        pytest.skip("no template or no fr.po")
    in_pot = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(pot_path))}
    outside = [entry.msgid for entry in polib.pofile(str(po_path))
               if not entry.obsolete and entry.msgstr and (entry.msgctxt, entry.msgid) not in in_pot]
    assert not outside, f"{len(outside)} French translations of {module} are not in {module}.pot " \
                        f"(run ./suite pot {module}), e.g. {outside[:3]}"
