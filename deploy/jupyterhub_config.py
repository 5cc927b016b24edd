# JupyterHub configuration for one course server running the Bayesian deep learning series.
#
# What a lecturer hands to the hub administrator (README, "On JupyterHub"). The server needs this
# repository's environment (requirements.txt plus requirements-hub.txt, e.g. `make install` and
# `pip install -r requirements-hub.txt` into one venv) and configurable-http-proxy from npm.
# Start it with:  jupyterhub -f deploy/jupyterhub_config.py
#
# `make hub-test` runs a real hub with THIS file (loaded first, then test-only settings: loopback
# ports, the dummy authenticator and SimpleLocalProcessSpawner), so what is set here is tested.
#
# Sizing (README, "Sizing a class"; measured 2026-12-02 with `make bench` and `make hub-test`):
# a student's JupyterLab server holds about 150 MB; one notebook's kernel peaks at 0.4-0.8 GB for
# most notebooks and at 1.4 GB for 05a, so 2 GB per student covers any one notebook with room. A
# class running a notebook together is CPU-bound: each kernel uses one core at most.

c = get_config()  # noqa: F821

# Students land in JupyterLab (the series is written for it).
c.Spawner.default_url = "/lab"

# Each kernel uses one torch thread (helpers.setup reads NB_THREADS): students share the cores
# fairly instead of each kernel spinning up one thread per core and thrashing.
c.Spawner.environment = {"NB_THREADS": "1"}

# Per-student limits from the measurements in the README. They are enforced by spawners that run
# each student in a cgroup: SystemdSpawner (pip install jupyterhub-systemdspawner), DockerSpawner
# or KubeSpawner (Zero to JupyterHub: deploy/z2jh-values.yaml). LocalProcessSpawner ignores them.
c.Spawner.mem_limit = "2G"
c.Spawner.mem_guarantee = "1.5G"
c.Spawner.cpu_limit = 1.0
c.Spawner.cpu_guarantee = 0.5

# A course server has real accounts: the default PAMAuthenticator with the default
# LocalProcessSpawner runs each student's server as their own system user, in their own home.
# For university single sign-on use an OAuthenticator (pip install oauthenticator), e.g.
#   c.JupyterHub.authenticator_class = "generic-oauth"
# and the systemd spawner for the limits above:
#   c.JupyterHub.spawner_class = "systemd"
c.Authenticator.allowed_users = set()  # fill in the class list, or use allowed_groups with PAM
c.Authenticator.admin_users = set()    # the lecturer(s)

# Servers start in seconds, but 60 students logging in at the start of a lecture queue up.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
c.JupyterHub.concurrent_spawn_limit = 20

# Shut down idle servers after an hour (pip install jupyterhub-idle-culler), to free their memory:
#   c.JupyterHub.services = [{"name": "idle-culler",
#                             "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]
#   c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
#                               "scopes": ["list:users", "read:users:activity", "read:servers",
#                                          "delete:servers"]}]
