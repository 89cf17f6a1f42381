"""The ./suite set-up script: a missing piece gets one clear sentence, not a traceback."""
import io
import os
import tarfile
from pathlib import Path

import pytest

from odoo_harness import free_port, load_suite

suite = load_suite()


def test_unreachable_postgres_is_one_clear_sentence(monkeypatch):
    import sys

    pg = {"host": "127.0.0.1", "port": str(free_port()), "user": "odoo", "password": "", "admin": "postgres"}
    with pytest.raises(suite.SetupError, match=r"PostgreSQL is not reachable at 127\.0\.0\.1:\d+ .*start it"):
        suite.ensure_postgres(Path(sys.executable), pg)


def test_postgres_superuser_is_refused(monkeypatch):
    monkeypatch.setenv("PGUSER", "postgres")
    with pytest.raises(suite.SetupError, match="Odoo refuses to run as the PostgreSQL superuser"):
        suite.pg_settings()


def test_missing_odoo_source_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("ODOO_SRC", str(tmp_path / "nowhere"))
    with pytest.raises(suite.SetupError, match="ODOO_SRC=.* does not exist"):
        suite.ensure_odoo_source(tmp_path)


def test_odoo_source_directory_of_another_version_is_refused(monkeypatch, tmp_path):
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "release.py").write_text("version_info = (18, 0, 0, FINAL, 0, '')\n")
    monkeypatch.setenv("ODOO_SRC", str(tmp_path))
    with pytest.raises(suite.SetupError, match="not an Odoo 19.0 source directory"):
        suite.ensure_odoo_source(tmp_path / "cache")


def _archive(path, version):
    with tarfile.open(path, "w:gz") as tar:
        data = f"version_info = ({version}, 0, 0, FINAL, 0, '')\n".encode()
        info = tarfile.TarInfo("odoo-19.0/odoo/release.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def test_odoo_archive_is_extracted_into_the_cache(monkeypatch, tmp_path):
    archive = tmp_path / "odoo.tar.gz"
    _archive(archive, 19)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("ODOO_SRC", str(archive))
    src = suite.ensure_odoo_source(cache)
    assert suite.is_odoo19_source(src) and src.parent == cache
    assert suite.ensure_odoo_source(cache) == src  # second time: from the cache, no extraction


def test_wrong_archive_is_refused(monkeypatch, tmp_path):
    archive = tmp_path / "odoo.tar.gz"
    _archive(archive, 17)
    monkeypatch.setenv("ODOO_SRC", str(archive))
    (tmp_path / "cache").mkdir()
    with pytest.raises(suite.SetupError, match="does not hold an Odoo 19.0 source tree"):
        suite.ensure_odoo_source(tmp_path / "cache")


def test_cache_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AI_SUITE_CACHE", str(tmp_path / "c"))
    assert suite.cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()


def test_readme_gives_exactly_the_two_commands():
    readme = (Path(suite.REPO) / "README.md").read_text()
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in setup.splitlines() if line.strip().startswith("./suite ")]
    assert commands == ["./suite start", "./suite test"]
    ci = (Path(suite.REPO) / ".ci" / "run").read_text()
    assert "./suite test" in ci
    assert os.access(Path(suite.REPO) / ".ci" / "run", os.X_OK)


def test_missing_chromium_stops_the_tests_with_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setattr(suite, "TEST_PACKAGES", {"chromium": [str(tmp_path / "no-chromium")]})
    monkeypatch.setattr(suite.shutil, "which", lambda name: None)
    with pytest.raises(suite.SetupError, match=r"browser tours need Chromium: apt install chromium"):
        suite.ensure_test_packages()


def test_chromium_that_apt_cannot_install_is_not_skipped(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(suite, "TEST_PACKAGES", {"chromium": [str(tmp_path / "no-chromium")]})
    monkeypatch.setattr(suite.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(suite.os, "geteuid", lambda: 0)

    def failing_apt(cmd, **kw):
        calls.append(cmd)
        return suite.subprocess.CompletedProcess(cmd, 100)

    monkeypatch.setattr(suite.subprocess, "run", failing_apt)
    with pytest.raises(suite.SetupError, match=r"browser tours need Chromium"):
        suite.ensure_test_packages()
    assert ["apt-get", "install", "-y", "-q", "chromium"] in calls
    assert ["apt-get", "update", "-q"] in calls


def test_installed_chromium_is_accepted(monkeypatch, tmp_path):
    (tmp_path / "chromium").write_text("")
    monkeypatch.setattr(suite, "TEST_PACKAGES", {"chromium": [str(tmp_path / "chromium")]})
    suite.ensure_test_packages()
