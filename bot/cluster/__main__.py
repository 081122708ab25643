"""`make cluster`: PostgreSQL, Redis, two Rasa servers, two action servers and HAProxy.

    python -m bot.cluster [--servers N]

The balancer listens on RASA_PORT (5005): the REST webhook and the Telegram front end's channel
are there, as with `make serve`, so RASA_URL stays the same. The other processes listen on free
loopback ports. PostgreSQL keeps its data in var/cluster/postgres between runs; logs are in
var/log/cluster. Secrets not set are made up once and given to every process. A Rasa or action
server that stops is started again. Ctrl-C stops everything, the balancer first.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from types import FrameType

from bot.cluster.cluster import Cluster, ClusterSettings
from bot.launcher.servers import ServerError
from ras_core import settings as project_settings
from ras_core.logs import private_files
from ras_core.settings import REPO, VAR, SettingsError


def say(line: str) -> None:
    print(line, flush=True)


def show(cluster: Cluster) -> None:
    secrets = cluster.settings.secrets
    say("")
    say(f"Load balancer:  {cluster.url} (HAProxy; only /webhooks/ goes through)")
    say(f"REST webhook:   POST {cluster.rest_url}")
    say('                {"sender": "demo", "message": "hello"}')
    say(f"                Authorization: Bearer {secrets.rest_token}")
    say(f"Front end:      POST {cluster.frontend_url} (FRONTEND_SECRET; set it to use Telegram)")
    for number, pair in enumerate(cluster.pairs, start=1):
        say(f"Rasa server {number}:  {pair.rasa_url} (its HTTP API: RASA_AUTH_TOKEN)")
        say(f"  its actions:  {pair.actions_url}")
    say(f"PostgreSQL:     127.0.0.1:{cluster.postgres.port} (data in {cluster.postgres.data})")
    say(f"Redis:          127.0.0.1:{cluster.redis.port} (the conversations' locks)")
    say(f"Logs:           {cluster.settings.log_dir}")
    say("Press Ctrl-C to stop.")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.cluster", description=__doc__)
    parser.add_argument("--servers", type=int, default=2, choices=range(1, 9), metavar="N")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    private_files()
    try:
        found = project_settings.current()
    except SettingsError as error:
        print(f"The cluster cannot start: {error}", file=sys.stderr)
        return 1
    settings = ClusterSettings(
        repo=REPO,
        folder=VAR / "cluster",
        log_dir=VAR / "log" / "cluster",
        model=REPO / "models" / "assistant.tar.gz",
        port=found.rasa_port,
        rasa_servers=args.servers,
        secrets=found.secrets.filled(),  # any not set are made up once, for every process
    )
    VAR.mkdir(exist_ok=True)
    if os.geteuid() == 0:  # PostgreSQL runs as its own user: it must get through to var/cluster
        VAR.chmod(0o711)  # through only: it cannot list var/
    try:
        with Cluster(settings) as cluster:
            try:
                cluster.start(say)
                show(cluster)
                while True:
                    for name in cluster.check_running():
                        say(f"The {name} stopped: started it again.")
                    time.sleep(1)
            except KeyboardInterrupt:
                say("")
                return 0
            finally:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C can't cut it short
                say("Stopping the cluster ...")
    except ServerError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
