"""Run the suite's Odoo tests on a freshly created database and read the verdicts back.

Odoo 19's ``-i`` does not re-run the tests of an installed module, so every run creates a new
database, installs the suite's modules with ``--test-enable`` and parses Odoo's log. Each Odoo test
method becomes one pytest item (found statically in ``addons/*/tests``), so the pytest summary
counts Odoo tests one by one.
"""
import ast
import importlib.machinery
import importlib.util
import json
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = REPO / "addons"


def load_suite():
    """The repository's ``suite`` script as a module (it has no .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("ai_suite_script", str(REPO / "suite"))
    spec = importlib.util.spec_from_loader("ai_suite_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def suite_modules():
    """The suite's own addons (every folder of addons/ with a manifest)."""
    return sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))


def odoo_command():
    """odoo-bin with the suite's options, as set by ``./suite test`` (or computed the same way)."""
    if os.environ.get("AI_SUITE_ODOO_CMD"):
        return json.loads(os.environ["AI_SUITE_ODOO_CMD"]), json.loads(os.environ["AI_SUITE_PG"])
    env = load_suite().Env()
    return env.odoo_cmd(), env.pg


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------------------------
# Static discovery of the Odoo tests


@dataclass
class OdooTest:
    module: str
    file: str
    cls: str
    method: str

    @property
    def id(self):
        return f"{self.module}:{self.cls}.{self.method}"


def _imported_test_files(tests_dir):
    init = tests_dir / "__init__.py"
    if not init.exists():
        return []
    names = []
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
            names += [alias.name for alias in node.names]
    return [tests_dir / f"{name}.py" for name in names if (tests_dir / f"{name}.py").exists()]


def discover_odoo_tests(modules=None):
    found = []
    for module in modules or suite_modules():
        tests_dir = ADDONS / module / "tests"
        classes = {}  # name -> (bases, own test methods, file)
        for path in sorted(tests_dir.glob("*.py")):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.ClassDef):
                    bases = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                    methods = [n.name for n in node.body
                               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test")]
                    classes[node.name] = (bases, methods, path)

        def all_methods(name, seen=(), classes=classes):
            bases, methods, _ = classes[name]
            result = list(methods)
            for base in bases:
                if base in classes and base not in seen:
                    result += [m for m in all_methods(base, seen + (name,), classes) if m not in result]
            return result

        run_files = set(_imported_test_files(tests_dir))
        for name, (_bases, _methods, path) in classes.items():
            if path not in run_files:
                continue
            for method in all_methods(name):
                found.append(OdooTest(module, path.name, name, method))
    return found


# ------------------------------------------------------------------------------------------------
# Running Odoo and reading its log

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): (?P<msg>.*)$")
SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


@dataclass
class OdooRun:
    db: str
    log_path: Path
    returncode: int
    seconds: float
    started: set = field(default_factory=set)
    skipped: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)   # "module:Class.method" -> traceback
    class_errors: dict = field(default_factory=dict)  # "module:Class" -> traceback
    other_errors: list = field(default_factory=list)
    summary: tuple = None  # (failed, errors, tests)

    def verdict(self, test):
        key = test.id
        if key in self.failures:
            return "failed", self.failures[key]
        class_key = f"{test.module}:{test.cls}"
        if class_key in self.class_errors:
            return "failed", self.class_errors[class_key]
        if key in self.skipped:
            return "skipped", self.skipped[key]
        if key in self.started:
            return "passed", ""
        return "failed", f"Odoo never started this test (see {self.log_path})"


def _module_of(logger):
    match = re.match(r"odoo\.addons\.([^.]+)\.tests", logger)
    return match.group(1) if match else None


def parse_log(text, run):
    entries = []
    for raw in text.splitlines():
        match = LINE.match(raw)
        if match:
            entries.append([match["level"], match["logger"], match["msg"]])
        elif entries:
            entries[-1][2] += "\n" + raw
    for level, logger, msg in entries:
        module = _module_of(logger)
        first = msg.split("\n", 1)[0]
        if module and level == "INFO" and first.startswith("Starting "):
            run.started.add(f"{module}:{first[len('Starting '):].rstrip(' .')}")
        elif module and level == "INFO" and first.startswith("skipped "):
            name, _, reason = first[len("skipped "):].partition(" : ")
            run.skipped[f"{module}:{name.strip()}"] = reason
        elif level in ("ERROR", "CRITICAL") and (m := re.match(r"(FAIL|ERROR): (?:Subtest )?(\S+)", first)):
            target = m.group(2)
            if module and re.match(r"^\w+\.\w+$", target):
                run.failures.setdefault(f"{module}:{target}", msg)
                continue
            cls = re.search(r"\(odoo\.addons\.([^.]+)\.tests\.[\w.]*?\.?(\w+)\)", first)
            if cls:
                run.class_errors[f"{cls.group(1)}:{cls.group(2)}"] = msg
            else:
                run.other_errors.append(f"{logger}: {msg}")
        elif (m := SUMMARY.search(first)) and "when loading database" in first:
            run.summary = tuple(int(x) for x in m.groups())
        elif level in ("ERROR", "CRITICAL"):
            run.other_errors.append(f"{logger}: {msg}")
    return run


def run_odoo_tests(modules, log_dir, timeout=2400):
    cmd, _pg = odoo_command()
    db = f"ai_test_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"
    log_path = Path(log_dir) / f"{db}.log"
    tags = ",".join(f"/{m}" for m in modules)
    args = cmd + ["-d", db, "-i", ",".join(modules), "--test-enable", f"--test-tags={tags}",
                  "--stop-after-init", "--log-level=info", f"--http-port={free_port()}",
                  "--http-interface=127.0.0.1", "--workers=0", "--max-cron-threads=0"]
    start = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, cwd=REPO)
    run = OdooRun(db=db, log_path=log_path, returncode=proc.returncode, seconds=time.monotonic() - start)
    return parse_log(log_path.read_text(errors="replace"), run)


def drop_database(db):
    _cmd, pg = odoo_command()
    import psycopg2

    kw = dict(host=pg["host"], port=pg["port"], user=pg["user"], dbname="postgres")
    if pg.get("password"):
        kw["password"] = pg["password"]
    conn = psycopg2.connect(**kw)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [db])
        cr.execute(f'DROP DATABASE IF EXISTS "{db}"')  # db name is generated above, never user input
    conn.close()
