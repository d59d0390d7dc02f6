# JupyterHub for a class taking the convlab course on one machine (course/README.md says how to run and size it).
# Started by `npm run hub` (tools/hub/main.ts), which runs the project's pinned .venv/bin/jupyterhub with this
# file after registering the convlab kernel in that venv. Every setting a class changes is an environment
# variable below; anything else can be overridden on the command line: `npm run hub -- --Spawner.mem_limit=2G`.
#
#   CONVLAB_HUB_IP / CONVLAB_HUB_PORT   where learners connect (default 127.0.0.1:8000: this machine only; put a
#                                      TLS-terminating web server in front, or set CONVLAB_HUB_IP=0.0.0.0 with
#                                      c.JupyterHub.ssl_cert/ssl_key, to let a room in)
#   CONVLAB_HUB_AUTH                   "pam" (default: the machine's users and passwords, LocalProcessSpawner runs
#                                      each learner's server as that user) or "dummy" (TESTS ONLY: any name, one
#                                      shared password CONVLAB_HUB_DUMMY_PASSWORD, servers under CONVLAB_HUB_HOMES)
#   CONVLAB_HUB_SEED                   the notebooks copied into each learner's ~/convlab on every login, only the
#                                      files the learner does not have (default out/course/student/notebooks, the
#                                      student edition `npm run course` writes)
#   CONVLAB_DATA                       the shared read-only Fashion-MNIST folder (default Debian's
#                                      dataset-fashion-mnist, /usr/share/datasets/fashion-mnist)
#   CONVLAB_HUB_CULL_TIMEOUT           seconds of inactivity after which a learner's server is stopped (3600)
#   CONVLAB_HUB_MEM_LIMIT / _CPU_LIMIT per-learner limits, passed to the spawner (see "Limits" below)
#   CONVLAB_HUB_STATE                  where the hub keeps its database and cookie secret (default out/hub)
#   CONVLAB_HUB_API_TOKEN              if set, a "convlab-admin" service with this token and the admin role (the
#                                      load test uses it to create learners, start servers and issue tokens)
#   CONVLAB_HUB_HUB_PORT / CONVLAB_HUB_PROXY_API_PORT   the hub's and the proxy's internal ports (8081, 8001)
import grp
import os
import pwd
import shutil
import sys

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner
from traitlets import default

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)  # the hub runs from the pinned .venv; learners' servers do too


def env(name, default):
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_seconds(name, default):
    value = env(name, str(default))
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"jupyterhub_config.py: {name} must be a whole number of seconds > 0, got {value!r}")
    return int(value)


STATE = os.path.abspath(env("CONVLAB_HUB_STATE", os.path.join(REPO, "out", "hub")))
SEED = os.path.abspath(env("CONVLAB_HUB_SEED", os.path.join(REPO, "out", "course", "student", "notebooks")))
DATA = os.path.abspath(env("CONVLAB_DATA", "/usr/share/datasets/fashion-mnist"))
COURSE_FOLDER = "convlab"  # the learner's ~/convlab: the seeded notebooks and the node_modules link they import from
os.makedirs(STATE, exist_ok=True)

# --- Network: the public URL, the hub's internal API, the proxy's API, all on loopback unless told otherwise.
ip = env("CONVLAB_HUB_IP", "127.0.0.1")
c.JupyterHub.bind_url = f"http://{ip}:{env('CONVLAB_HUB_PORT', '8000')}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env('CONVLAB_HUB_HUB_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('CONVLAB_HUB_PROXY_API_PORT', '8001')}"
# configurable-http-proxy from the project's npm devDependencies (pinned in package.json), not a global install.
c.ConfigurableHTTPProxy.command = [os.path.join(REPO, "node_modules", ".bin", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
# Stopping the hub stops the learners' servers and the proxy with it: nothing is left running.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- Learners' servers: JupyterLab from the same venv, with the convlab kernel registered there (npm run hub does).
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}"
c.Spawner.notebook_dir = "~"
# A class logging in at once on a busy machine: give servers time to start rather than fail the spawn.
c.Spawner.start_timeout = env_seconds("CONVLAB_HUB_START_TIMEOUT", 300)
c.Spawner.http_timeout = env_seconds("CONVLAB_HUB_START_TIMEOUT", 300)
c.Spawner.environment = {
    # The library reads $CONVLAB_DATA before its cache and before downloading (src/data/fashion-mnist.ts).
    "CONVLAB_DATA": DATA,
    "JUPYTER_PREFER_ENV_PATH": "1",
}

# --- Limits. LocalProcessSpawner (and SimpleLocalProcessSpawner) do NOT enforce mem_limit or cpu_limit: they only
# pass them to the server as MEM_LIMIT / CPU_LIMIT (shown by resource-usage extensions). Enforcing them needs a
# spawner that puts each server in a cgroup: KubeSpawner (course/k8s/values.yaml) or jupyterhub-systemdspawner on
# a systemd host. They are set here so that such a spawner, configured in place of ours, applies them.
if os.environ.get("CONVLAB_HUB_MEM_LIMIT"):
    c.Spawner.mem_limit = os.environ["CONVLAB_HUB_MEM_LIMIT"]
if os.environ.get("CONVLAB_HUB_CPU_LIMIT"):
    c.Spawner.cpu_limit = float(os.environ["CONVLAB_HUB_CPU_LIMIT"])


def seed_course(home, uid, gid, log):
    """Copies into home/convlab the seed notebooks the learner does not have yet; never overwrites a file, so
    the learner's edits survive every later login, and notebooks the instructor adds later still arrive."""
    target = os.path.join(home, COURSE_FOLDER)
    made = []
    for folder in (home, target):
        if not os.path.isdir(folder):
            os.makedirs(folder, mode=0o755)
            made.append(folder)
    copied = []
    if os.path.isdir(SEED):
        for name in sorted(os.listdir(SEED)):
            source, dest = os.path.join(SEED, name), os.path.join(target, name)
            if os.path.isfile(source) and not os.path.lexists(dest):
                shutil.copyfile(source, dest)
                copied.append(dest)
    else:
        log.warning("convlab: no seed notebooks at %s (run `npm run course`, or set CONVLAB_HUB_SEED)", SEED)
    # Notebooks import "convlab": this link lets the kernel, running in ~/convlab, resolve it to this checkout.
    link = os.path.join(target, "node_modules", "convlab")
    if not os.path.lexists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        made.append(os.path.dirname(link))
        os.symlink(REPO, link)
    for path in made + copied:
        os.chown(path, uid, gid)
    if copied:
        log.info("convlab: seeded %d notebook(s) into %s", len(copied), target)


def learner_ids(spawner):
    """The uid/gid the learner's server runs as (the system user's for PAM; see TestSpawner for the test mode)."""
    if isinstance(spawner, TestSpawner):
        return spawner.run_as_ids()
    entry = pwd.getpwnam(spawner.user.name)
    return entry.pw_uid, entry.pw_gid


def pre_spawn_hook(spawner):
    uid, gid = learner_ids(spawner)
    home = spawner.home_dir if isinstance(spawner, TestSpawner) else pwd.getpwnam(spawner.user.name).pw_dir
    seed_course(home, uid, gid, spawner.log)


c.Spawner.pre_spawn_hook = pre_spawn_hook


class TestSpawner(SimpleLocalProcessSpawner):
    """For tests and the load test only (CONVLAB_HUB_AUTH=dummy): no system users; each learner's server runs as
    the hub's own user with home CONVLAB_HUB_HOMES/<name>. Learners are not isolated from each other. As root
    (containers, CI) the server starts in its own mount namespace where the data folder is bind-mounted
    read-only, so even root's learners cannot change the shared copy (a real learner's uid cannot by its
    permissions). Never use this for a class."""

    def run_as_ids(self):
        return os.getuid(), os.getgid()

    @default("cmd")
    def _default_cmd(self):
        singleuser = [os.path.join(VENV_BIN, "jupyterhub-singleuser")]
        unshare = shutil.which("unshare")
        if os.getuid() != 0 or unshare is None or not os.path.isdir(DATA):
            return singleuser
        # `unshare --mount` execs the shell, which execs the server: the spawner's pid is the server's.
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        return [unshare, "--mount", "--propagation", "private", "sh", "-c", script, DATA, *singleuser]


AUTH = env("CONVLAB_HUB_AUTH", "pam")
if AUTH == "dummy":
    password = os.environ.get("CONVLAB_HUB_DUMMY_PASSWORD", "")
    if not password:
        raise ValueError("jupyterhub_config.py: CONVLAB_HUB_AUTH=dummy needs CONVLAB_HUB_DUMMY_PASSWORD (tests only)")
    homes = os.path.abspath(env("CONVLAB_HUB_HOMES", os.path.join(STATE, "homes")))
    os.makedirs(homes, exist_ok=True)
    os.chmod(homes, 0o755)
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = password
    c.Authenticator.allow_all = True
    c.JupyterHub.spawner_class = TestSpawner
    c.TestSpawner.home_dir_template = os.path.join(homes, "{username}")
    if os.getuid() == 0:
        c.TestSpawner.args = ["--allow-root"]  # Jupyter refuses root without it (containers, CI)
elif AUTH == "pam":
    # The machine's accounts: create one per learner (adduser) and list them in allowed_users, or a Unix group in
    # CONVLAB_HUB_GROUP. Other authenticators (OAuth with GitHub/your school's identity provider, LTI from your LMS)
    # are configured here instead; course/README.md lists them.
    c.JupyterHub.authenticator_class = "pam"
    c.JupyterHub.spawner_class = LocalProcessSpawner
    c.LocalProcessSpawner.cmd = [os.path.join(VENV_BIN, "jupyterhub-singleuser")]
    group = os.environ.get("CONVLAB_HUB_GROUP")
    if group:
        grp.getgrnam(group)  # fails early, naming the group, if it does not exist
        c.PAMAuthenticator.allowed_groups = {group}
    admins = os.environ.get("CONVLAB_HUB_ADMINS")
    if admins:
        c.Authenticator.admin_users = set(admins.split(","))
else:
    raise ValueError(f'jupyterhub_config.py: CONVLAB_HUB_AUTH must be "pam" or "dummy", got {AUTH!r}')

# --- Services: the idle culler (stops servers nobody used for CULL_TIMEOUT seconds) and, for the load test, a token.
cull_timeout = env_seconds("CONVLAB_HUB_CULL_TIMEOUT", 3600)
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_timeout}",
                    f"--cull-every={max(10, min(300, cull_timeout // 2))}"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
if os.environ.get("CONVLAB_HUB_API_TOKEN"):
    c.JupyterHub.services.append({"name": "convlab-admin", "api_token": os.environ["CONVLAB_HUB_API_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["convlab-admin"]})

if not os.path.isdir(DATA) or not any(n.startswith("train-images") for n in os.listdir(DATA)):
    print(f"convlab: CONVLAB_DATA={DATA} holds no Fashion-MNIST files; every learner would download its own copy "
          "(apt-get install dataset-fashion-mnist, or set CONVLAB_DATA)", file=sys.stderr)
