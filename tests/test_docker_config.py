"""Consistency checks of the Docker set-up: docker-compose.yml, docker/Dockerfile,
docker/odoo.conf and docker/init-demo.sh must agree with each other and with the repository.

No Docker engine is needed: the files are parsed, not built or run.
Run: python -m pytest -q tests/test_docker_config.py
"""
import ast
import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "docker" / "Dockerfile"
ODOO_CONF = REPO / "docker" / "odoo.conf"
INIT_SCRIPT = REPO / "docker" / "init-demo.sh"
REQUIREMENTS = REPO / "requirements.txt"
ADDONS = REPO / "addons"
DEMO_MODULE = "ai_suite_demo"
DEMO_DB = "ai_demo"

# System packages the image must keep (the bill-reading feature needs them).
REQUIRED_APT_PACKAGES = {"tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-fra", "tesseract-ocr-deu",
                         "poppler-utils"}
# Binary a manifest may declare in external_dependencies["bin"] -> apt package of the image providing
# it (None: the official odoo:19 image already has it).
BIN_PACKAGES = {
    "tesseract": "tesseract-ocr",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "wkhtmltopdf": None,
    "psql": None,
    "pg_dump": None,
}
# Import names that differ from the PyPI distribution names in requirements.txt.
IMPORT_TO_DIST = {"sklearn": "scikit-learn", "yaml": "pyyaml", "dateutil": "python-dateutil", "PIL": "pillow"}


# --------------------------------------------------------------------------------------------
# Parsing helpers


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def dockerfile_instructions(path):
    """[(INSTRUCTION, arguments)] with continuation lines joined and comment lines dropped."""
    instructions, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, args = current.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
        current = ""
    if current.strip():
        keyword, _, args = current.strip().partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def copy_sources_and_dest(args):
    """(flags, sources, dest) of a COPY/ADD instruction, shell or JSON form."""
    words = shlex.split(args)
    flags = [w for w in words if w.startswith("--")]
    rest = args
    for flag in flags:
        rest = rest.replace(flag, "", 1)
    rest = rest.strip()
    if rest.startswith("["):
        paths = json.loads(rest)
    else:
        paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1], paths[-1]


def env_dict(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def volume_mounts(service):
    """[(source, target, read_only, type)] of a service's volumes, short or long syntax."""
    mounts = []
    for vol in service.get("volumes") or []:
        if isinstance(vol, str):
            parts = vol.split(":")
            if len(parts) == 1:
                mounts.append(("", parts[0], False, "volume"))
                continue
            source, target = parts[0], parts[1]
            mode = parts[2] if len(parts) > 2 else ""
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            mounts.append((source, target, "ro" in mode.split(","), kind))
        else:
            source = vol.get("source", "")
            kind = vol.get("type") or ("bind" if source.startswith((".", "/", "~")) else "volume")
            mounts.append((source, vol["target"], bool(vol.get("read_only")), kind))
    return mounts


def port_mappings(service):
    """[(host_port, container_port)] as strings."""
    result = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            result.append((str(port.get("published", "")), str(port["target"])))
            continue
        spec = str(port).split("/")[0]
        parts = spec.rsplit(":", 2)
        if len(parts) == 1:
            result.append(("", parts[0]))
        else:
            result.append((parts[-2], parts[-1]))
    return result


def command_words(service):
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def requirement_names(path):
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
        if match:
            names.add(canonical(match.group(0)))
    return names


def manifests():
    for manifest in sorted(ADDONS.glob("*/__manifest__.py")):
        yield manifest.parent.name, ast.literal_eval(manifest.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Fixtures



@pytest.fixture(scope="module")
def compose():
    assert COMPOSE_FILE.is_file(), "docker-compose.yml is missing at the repository root"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict), \
        "docker-compose.yml has no services mapping"
    return data


@pytest.fixture(scope="module")
def db(compose):
    assert "db" in compose["services"], "docker-compose.yml has no 'db' service"
    return compose["services"]["db"]


@pytest.fixture(scope="module")
def odoo(compose):
    assert "odoo" in compose["services"], "docker-compose.yml has no 'odoo' service"
    return compose["services"]["odoo"]


@pytest.fixture(scope="module")
def build(odoo):
    """(context directory, Dockerfile path) of the odoo service, as paths on this machine."""
    spec = odoo.get("build")
    assert spec, "the odoo service must be built (build:), not only pulled"
    if isinstance(spec, str):
        spec = {"context": spec}
    context = (COMPOSE_FILE.parent / spec.get("context", ".")).resolve()
    dockerfile = (context / spec.get("dockerfile", "Dockerfile")).resolve()
    return context, dockerfile


@pytest.fixture(scope="module")
def instructions(build):
    _context, dockerfile = build
    assert dockerfile == DOCKERFILE.resolve(), f"the odoo service builds {dockerfile}, expected {DOCKERFILE}"
    assert dockerfile.is_file(), f"{dockerfile} is missing"
    return dockerfile_instructions(dockerfile)


@pytest.fixture(scope="module")
def conf_path(odoo):
    """odoo.conf of the repository that compose mounts at /etc/odoo/odoo.conf."""
    mounts = {target: (source, ro) for source, target, ro, _kind in volume_mounts(odoo)}
    assert "/etc/odoo/odoo.conf" in mounts, "the odoo service must mount a config file at /etc/odoo/odoo.conf"
    source, _ro = mounts["/etc/odoo/odoo.conf"]
    path = (COMPOSE_FILE.parent / source).resolve()
    assert path.is_file(), f"{source} (mounted at /etc/odoo/odoo.conf) does not exist in the repository"
    assert path == ODOO_CONF.resolve(), f"expected docker/odoo.conf to be mounted, found {source}"
    return path


@pytest.fixture(scope="module")
def conf(conf_path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf_path, encoding="utf-8")
    assert parser.has_section("options"), "odoo.conf has no [options] section"
    return parser["options"]


# --------------------------------------------------------------------------------------------
# docker-compose.yml


def test_db_service_is_postgres_16(db):
    image = str(db.get("image", ""))
    name, _, tag = image.partition(":")
    assert name in ("postgres", "library/postgres", "docker.io/library/postgres"), f"db image is {image!r}"
    assert re.fullmatch(r"16(\.\d+)*(-[a-z0-9.-]+)?", tag), f"db image tag must be PostgreSQL 16, found {tag!r}"


def test_db_has_pg_isready_healthcheck(db):
    check = db.get("healthcheck") or {}
    test = check.get("test")
    assert test, "the db service needs a healthcheck (odoo waits for service_healthy)"
    text = " ".join(test) if isinstance(test, list) else str(test)
    assert "pg_isready" in text, f"db healthcheck should use pg_isready, found {text!r}"
    user = env_dict(db).get("POSTGRES_USER")
    assert re.search(rf"-U\s+{re.escape(user)}\b", text), f"db healthcheck should check as -U {user}: {text!r}"


def test_odoo_depends_on_healthy_db(odoo):
    depends = odoo.get("depends_on")
    assert isinstance(depends, dict) and "db" in depends, \
        "odoo must use the long depends_on form with db (short form cannot wait for the healthcheck)"
    assert (depends["db"] or {}).get("condition") == "service_healthy"


def test_dockerfile_from_official_odoo_19(instructions):
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms, "docker/Dockerfile has no FROM"
    image = froms[0].split()[0]
    assert image in ("odoo:19", "odoo:19.0"), f"docker/Dockerfile must build FROM odoo:19, found {image!r}"


def test_dockerfile_ends_as_odoo_user(instructions):
    users = [args.split()[0] for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1] == "odoo", "docker/Dockerfile must switch back to USER odoo at the end"


def test_addons_mounted_first_in_addons_path(odoo, conf):
    addons_path = [p.strip() for p in conf.get("addons_path", "").split(",") if p.strip()]
    assert addons_path, "odoo.conf has no addons_path"
    mounts = {target.rstrip("/"): (source, ro) for source, target, ro, _kind in volume_mounts(odoo)}
    first = addons_path[0].rstrip("/")
    assert first in mounts, f"nothing is mounted at {first}, the first addons_path entry of odoo.conf"
    source, read_only = mounts[first]
    assert (COMPOSE_FILE.parent / source).resolve() == ADDONS.resolve(), \
        f"{first} should be the repository's ./addons, found {source}"
    assert read_only, "./addons should be mounted read-only"


def test_db_credentials_agree(db, odoo, conf):
    db_env, odoo_env = env_dict(db), env_dict(odoo)
    assert conf.get("db_host") == "db", "odoo.conf db_host must be the compose service name 'db'"
    assert odoo_env.get("HOST") == conf.get("db_host")
    assert db_env.get("POSTGRES_USER") == conf.get("db_user") == odoo_env.get("USER"), \
        "POSTGRES_USER (db), db_user (odoo.conf) and USER (odoo) differ"
    assert db_env.get("POSTGRES_PASSWORD") == conf.get("db_password") == odoo_env.get("PASSWORD"), \
        "POSTGRES_PASSWORD (db), db_password (odoo.conf) and PASSWORD (odoo) differ"
    assert conf.get("db_port", "5432") == "5432"
    assert conf.get("db_user") != "postgres", "Odoo refuses to run as the PostgreSQL user 'postgres'"


def test_named_volumes_declared(compose, db, odoo, conf):
    declared = set((compose.get("volumes") or {}).keys())
    used = {source for service in compose["services"].values()
            for source, _target, _ro, kind in volume_mounts(service) if kind == "volume" and source}
    assert used <= declared, f"named volumes used but not declared at top level: {sorted(used - declared)}"
    db_targets = {target.rstrip("/"): (source, kind) for source, target, _ro, kind in volume_mounts(db)}
    assert db_targets.get("/var/lib/postgresql/data", ("", ""))[1] == "volume", \
        "the db service needs a named volume at /var/lib/postgresql/data"
    data_dir = conf.get("data_dir", "").rstrip("/")
    assert data_dir == "/var/lib/odoo", "odoo.conf data_dir should be the image's /var/lib/odoo"
    odoo_targets = {target.rstrip("/"): (source, kind) for source, target, _ro, kind in volume_mounts(odoo)}
    assert odoo_targets.get(data_dir, ("", ""))[1] == "volume", f"the odoo service needs a named volume at {data_dir}"


def test_port_matches_http_port(odoo, conf):
    http_port = conf.get("http_port", "8069")
    assert (http_port, http_port) in port_mappings(odoo), \
        f"the odoo service should publish {http_port}:{http_port} (odoo.conf http_port)"
    assert conf.get("http_interface", "0.0.0.0") in ("0.0.0.0", ""), \
        "Odoo must listen on all interfaces inside the container"


def test_conf_has_no_odoo_demo_data_and_single_process(conf):
    # Odoo 19 reads with_demo (without_demo is the pre-19 name); the demo comes from ai_suite_demo
    assert conf.get("with_demo", "False") == "False"
    assert "without_demo" not in conf or conf.get("without_demo") in ("True", "all")
    assert conf.get("workers", "0") == "0"
    assert conf.get("admin_passwd"), "set admin_passwd (master password) explicitly"


# --------------------------------------------------------------------------------------------
# docker/Dockerfile


def test_every_copied_file_exists(build, instructions):
    context, _dockerfile = build
    copies = [(k, args) for k, args in instructions if k in ("COPY", "ADD")]
    assert copies, "docker/Dockerfile copies nothing (requirements.txt and init-demo.sh expected)"
    for keyword, args in copies:
        flags, sources, _dest = copy_sources_and_dest(args)
        if any(flag.startswith("--from") for flag in flags):
            continue
        for source in sources:
            if keyword == "ADD" and re.match(r"https?://", source):
                continue
            matches = list(context.glob(source)) if any(c in source for c in "*?[") else [context / source]
            assert matches and all(m.exists() for m in matches), \
                f"{keyword} {source}: no such file in the build context {context}"


def copy_destination(instructions, repo_relative):
    """Path in the image where the Dockerfile COPYs the given repository file, or None."""
    for keyword, args in instructions:
        if keyword != "COPY":
            continue
        _flags, sources, dest = copy_sources_and_dest(args)
        if any(PurePosixPath(s) == PurePosixPath(repo_relative) for s in sources):
            if dest.endswith("/"):
                return str(PurePosixPath(dest) / PurePosixPath(repo_relative).name)
            return dest
    return None


def test_dockerfile_installs_requirements(instructions):
    dest = copy_destination(instructions, "requirements.txt")
    assert dest, "docker/Dockerfile must COPY requirements.txt"
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    installs = [r for r in runs if re.search(r"pip3?\s+install|-m\s+pip\s+install", r)]
    assert any(re.search(rf"(-r|--requirement)[\s=]+{re.escape(dest)}(\s|$)", r) for r in installs), \
        f"no RUN pip install -r {dest} in docker/Dockerfile"
    assert REQUIREMENTS.is_file()


def test_dockerfile_installs_system_packages(instructions):
    apt = " ".join(args for keyword, args in instructions if keyword == "RUN" and "apt-get install" in args)
    words = set(apt.split())
    missing = REQUIRED_APT_PACKAGES - words
    assert not missing, f"docker/Dockerfile no longer installs {sorted(missing)}"


def test_manifest_dependencies_available_in_image(instructions):
    """Every external dependency of our modules is installed by the image."""
    requirements = requirement_names(REQUIREMENTS)
    apt = set(" ".join(args for keyword, args in instructions if keyword == "RUN").split())
    for module, manifest in manifests():
        deps = manifest.get("external_dependencies") or {}
        for dep in deps.get("python", []):
            name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", dep).group(0)
            dist = canonical(IMPORT_TO_DIST.get(name, name))
            assert dist in requirements, \
                f"{module} needs the Python package {dep!r}, which requirements.txt does not install"
        for binary in deps.get("bin", []):
            assert binary in BIN_PACKAGES, (
                f"{module} needs the program {binary!r}: install its package in docker/Dockerfile and add it "
                "to BIN_PACKAGES in tests/test_docker_config.py")
            package = BIN_PACKAGES[binary]
            assert package is None or package in apt, \
                f"{module} needs {binary!r}: docker/Dockerfile must apt-get install {package}"


# --------------------------------------------------------------------------------------------
# docker/init-demo.sh


def test_init_script_is_the_odoo_command(odoo, instructions):
    words = command_words(odoo)
    assert words, "the odoo service needs a command running the init script"
    dest = copy_destination(instructions, "docker/init-demo.sh")
    assert dest, "docker/Dockerfile must COPY docker/init-demo.sh"
    assert words[0] == dest, f"the odoo service command should start with {dest}, found {words[0]!r}"
    entrypoints = [args for keyword, args in instructions if keyword == "ENTRYPOINT"]
    assert not entrypoints, "keep the official image's /entrypoint.sh as ENTRYPOINT (init-demo.sh chains to it)"


def test_init_script_exists_and_is_executable():
    assert INIT_SCRIPT.is_file(), "docker/init-demo.sh is missing"
    assert os.stat(INIT_SCRIPT).st_mode & 0o111, "docker/init-demo.sh must be executable (chmod +x, commit the mode)"
    text = INIT_SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/bash"), "docker/init-demo.sh must start with #!/bin/bash"
    assert "\r" not in text, "docker/init-demo.sh must have LF line endings"


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not available")
def test_init_script_shell_syntax():
    result = subprocess.run(["bash", "-n", str(INIT_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_init_script_installs_and_serves_demo(odoo):
    text = INIT_SCRIPT.read_text(encoding="utf-8")
    assert re.search(rf"\b{DEMO_MODULE}\b", text), f"docker/init-demo.sh must install {DEMO_MODULE}"
    assert re.search(rf"\b{DEMO_DB}\b", text), f"docker/init-demo.sh must default to the database {DEMO_DB}"
    assert "--stop-after-init" in text and re.search(r"-i\s", text)
    assert re.search(r"exec\s+/entrypoint\.sh\s+odoo\b", text), \
        "docker/init-demo.sh must end by exec'ing the official /entrypoint.sh odoo ..."
    assert "--db-filter" in text
    db_env = env_dict(odoo).get("AI_SUITE_DB")
    assert db_env in (None, DEMO_DB), f"compose sets AI_SUITE_DB={db_env}, the documented demo database is {DEMO_DB}"


def test_demo_module_exists():
    if not (ADDONS / DEMO_MODULE).is_dir():
        pytest.skip(f"addons/{DEMO_MODULE} does not exist yet (being written); "
                    "docker/init-demo.sh installs it on first start")
    assert (ADDONS / DEMO_MODULE / "__manifest__.py").is_file(), f"addons/{DEMO_MODULE} has no __manifest__.py"


def test_oca_addon_dependencies_installed_by_suite_and_image(instructions):
    """A module depending on an addon that is neither Odoo's nor ours gets it from
    requirements-odoo-addons.txt, which both ./suite and the image install with --no-deps."""
    addons_file = REPO / "requirements-odoo-addons.txt"
    wanted = requirement_names(addons_file)
    ours = {module for module, _manifest in manifests()}
    odoo_src = os.environ.get("AI_SUITE_ODOO_SRC")   # set by ./suite; without it only the files are checked
    odoo_addons = {p.name for base in ("addons", "odoo/addons") for p in (Path(odoo_src) / base).iterdir()} \
        if odoo_src else None
    for module, manifest in manifests():
        for dep in manifest.get("depends", []):
            if dep in ours or odoo_addons is None or dep in odoo_addons:
                continue
            assert canonical(f"odoo-addon-{dep}") in wanted, \
                f"{module} depends on {dep}: list odoo-addon-{dep} in requirements-odoo-addons.txt"
    dest = copy_destination(instructions, "requirements-odoo-addons.txt")
    assert dest, "docker/Dockerfile must COPY requirements-odoo-addons.txt"
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    assert any("--no-deps" in r and re.search(rf"(-r|--requirement)[\s=]+{re.escape(dest)}(\s|$)", r)
               for r in runs), f"no RUN pip install --no-deps -r {dest} in docker/Dockerfile"
    suite_text = (REPO / "suite").read_text(encoding="utf-8")
    assert "requirements-odoo-addons.txt" in suite_text and "--no-deps" in suite_text
    conf = ODOO_CONF.read_text(encoding="utf-8")
    assert re.search(r"^server_wide_modules\s*=.*\bqueue_job\b", conf, re.M), \
        "docker/odoo.conf must load queue_job server-wide (its job runner)"
