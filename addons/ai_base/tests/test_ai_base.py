import numpy as np

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.ai_base.batching import process_in_batches
from odoo.addons.ai_base.tools import dumps_model, loads_model, split_every


@tagged("post_install", "-at_install", "ai_base")
class TestAiBase(TransactionCase):
    def test_store_versions_and_archive_previous(self):
        Model = self.env["ai.trained.model"]
        first = Model._store("unit_test", "Unit test model", {"w": np.arange(3.0)}, n_samples=120, metrics={
            "auc": 0.8, "calibration": [{"decile": 1, "predicted": 0.05, "observed": 0.04, "n": 12}]})
        self.assertIn("1: 0.050 / 0.040, 12", first.metrics_summary)
        second = Model._store("unit_test", "Unit test model", {"w": np.arange(4.0)}, metrics={"auc": 0.85})
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertEqual(first.state, "archived")
        self.assertFalse(first.active)
        self.assertEqual(Model._get_active("unit_test"), second)
        np.testing.assert_array_equal(second._load_payload()["w"], np.arange(4.0))
        self.assertIn("auc: 0.85", second.metrics_summary)

    def test_json_fields_read_without_nulls_for_xmlrpc(self):
        """XML-RPC cannot marshal a null: read() leaves null keys out and turns null items to False,
        while the record keeps what was stored."""
        from xmlrpc.client import dumps
        model = self.env["ai.trained.model"]._store("unit_test_rpc", "Model", {"a": 1},
                                                     metrics={"auc": None, "curve": [0.5, None], "n": 3})
        [row] = model.read(["metrics"])
        self.assertEqual(row["metrics"], {"curve": [0.5, False], "n": 3})
        dumps((row,))   # what Odoo's XML-RPC does, without allow_none
        self.assertEqual(model.metrics, {"auc": None, "curve": [0.5, None], "n": 3})

    def test_insufficient_history_does_not_retire_model_in_use(self):
        Model = self.env["ai.trained.model"]
        in_use = Model._store("unit_test2", "Model", {"a": 1})
        Model._store("unit_test2", "Model", None, state="insufficient", note="12 won, 3 lost")
        self.assertEqual(in_use.state, "active")
        self.assertEqual(Model._get_active("unit_test2"), in_use)

    def test_payload_is_json_not_pickle(self):
        data = dumps_model({"x": np.array([[1, 2], [3, 4]], dtype=np.int64), "name": "é", "f": np.float64(0.5)})
        back = loads_model(data)
        self.assertEqual(back["x"].tolist(), [[1, 2], [3, 4]])
        self.assertEqual(back["name"], "é")
        with self.assertRaises(TypeError):
            dumps_model({"obj": object()})

    def test_batches_isolate_a_bad_record(self):
        partners = self.env["res.partner"].create([{"name": f"P{i}"} for i in range(7)])
        bad = partners[3]

        def rename(batch):
            for partner in batch:
                if partner == bad:
                    raise ValueError("bad record")
                partner.name = partner.name + " ok"

        stats = process_in_batches(partners, rename, batch_size=3, label="test")
        self.assertEqual((stats["processed"], stats["failed"]), (6, 1))
        self.assertIn(bad.id, stats["errors"])
        self.assertTrue(all(p.name.endswith(" ok") for p in partners - bad))
        self.assertEqual(bad.name, "P3")
        self.assertEqual([len(c) for c in split_every(3, range(7))], [3, 3, 1])

    def test_plain_user_cannot_read_models(self):
        user = self.env["res.users"].create({"name": "Plain user", "login": "ai_plain_user",
                                             "group_ids": [(6, 0, [self.env.ref("base.group_user").id])]})
        rec = self.env["ai.trained.model"]._store("unit_test3", "Model", {"a": 1})
        with self.assertRaises(AccessError):
            rec.with_user(user).read(["name"])
        manager = self.env["res.users"].create({"name": "AI manager", "login": "ai_manager_user",
                                                "group_ids": [(6, 0, [self.env.ref("ai_base.group_ai_manager").id])]})
        self.assertEqual(rec.with_user(manager).read(["name"])[0]["name"], "Model")

    def test_models_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other AI company"})
        rec = self.env["ai.trained.model"]._store("unit_test4", "Model", {"a": 1}, company=other)
        manager = self.env["res.users"].create({
            "name": "AI manager 2", "login": "ai_manager_user2", "company_id": self.env.company.id,
            "company_ids": [(6, 0, [self.env.company.id])],
            "group_ids": [(6, 0, [self.env.ref("ai_base.group_ai_manager").id])]})
        self.assertFalse(self.env["ai.trained.model"].with_user(manager).search([("id", "=", rec.id)]))
