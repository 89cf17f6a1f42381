"""What every browser tour of the suite shares: a walk runs or fails, never skips; a user per language;
the French terms loaded as Odoo's "Load a translation" does."""
import unittest

from odoo.tests import new_test_user
from odoo.tests.common import _find_executable

TOUR_LANGS = ("en_US", "fr_FR")


class TourMixin:
    """Mixed before HttpCase. Odoo skips a tour when the browser or websocket-client is missing; here that
    is a failure saying what to install."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            import websocket  # noqa: F401
        except ImportError:
            raise AssertionError("The browser tours need websocket-client: pip install websocket-client "
                                 "(it is in requirements.txt)") from None
        try:
            _find_executable()
        except unittest.SkipTest:
            raise AssertionError("The browser tours need Chromium: apt install chromium") from None
        for lang in TOUR_LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["fr_FR"])

    @classmethod
    def tour_user(cls, login, groups, lang, **values):
        return new_test_user(cls.env, login=login, groups=groups, lang=lang, tz="Europe/Paris", **values)

    def start_tour(self, url_path, tour_name, **kwargs):
        try:
            return super().start_tour(url_path, tour_name, **kwargs)
        except unittest.SkipTest as exc:
            raise self.failureException(f"The tour {tour_name} could not run: {exc}") from None
