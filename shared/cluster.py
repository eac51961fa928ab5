"""A NATS cluster for the event streams (docs/ARCHITECTURE.md "Production, one region"): three nats-servers with
JetStream, routes between them, R3 streams, ``sync_interval: always``. One function writes a node's
configuration, for real hosts (``cxzy deploy nats-cluster``) and for a cluster of real processes on
loopback ports (tests, ``bench``)."""

from __future__ import annotations

import signal
from pathlib import Path

from .nats_io import EmbeddedNats, free_port


def node_config(
    name: str,
    host: str,
    client_port: int,
    cluster_port: int,
    routes: list[str],
    store_dir: str | None,
    cluster: str = "cxzy",
) -> str:
    """``store_dir`` None: given on the command line instead (``-sd``, as EmbeddedNats does)."""
    route_list = ", ".join(f'"nats-route://{r}"' for r in routes)
    store = f'store_dir: "{store_dir}"' if store_dir else "# store_dir: given with -sd"
    return f"""# cxzy NATS cluster node {name} (generated; see deploy/README.md)
server_name: {name}
listen: {host}:{client_port}
jetstream {{
  {store}
  # fsync before acknowledging (the 2025 Jepsen analysis lost acknowledged writes with the default)
  sync_interval: always
}}
cluster {{
  name: {cluster}
  listen: {host}:{cluster_port}
  routes: [ {route_list} ]
}}
"""


def write_cluster(hosts: list[str], out: Path, store_dir: str = "/var/lib/cxzy-nats") -> list[Path]:
    """One config per host (client port 4222, cluster port 6222), for ``nats-server -c nN.conf``."""
    out.mkdir(parents=True, exist_ok=True)
    routes = [f"{h}:6222" for h in hosts]
    paths = []
    for i in range(1, len(hosts) + 1):
        path = out / f"n{i}.conf"
        path.write_text(node_config(f"n{i}", "0.0.0.0", 4222, 6222, routes, store_dir))
        paths.append(path)
    return paths


class LocalCluster:
    """``size`` real nats-server processes on loopback ports, clustered."""

    def __init__(self, base: Path, size: int = 3):
        self.base = Path(base)
        ports = [(free_port(), free_port()) for _ in range(size)]
        routes = [f"127.0.0.1:{cluster}" for _, cluster in ports]
        self.nodes: list[EmbeddedNats] = []
        for i, (client, cluster) in enumerate(ports, 1):
            store = self.base / f"n{i}"
            store.mkdir(parents=True, exist_ok=True)
            config = store / "node.conf"
            config.write_text(node_config(f"n{i}", "127.0.0.1", client, cluster, routes, None))
            self.nodes.append(EmbeddedNats(store, port=client, config=config))

    @property
    def url(self) -> str:
        """All nodes, comma-separated: a client reconnects to another when one dies."""
        return ",".join(n.url for n in self.nodes)

    def start(self) -> LocalCluster:
        for node in self.nodes:
            node.start()
        return self

    def node_named(self, name: str) -> EmbeddedNats:
        return self.nodes[int(name.removeprefix("n")) - 1]

    def kill(self, name: str) -> None:
        """kill -9: no goodbye to the cluster."""
        node = self.node_named(name)
        assert node.proc is not None
        node.proc.send_signal(signal.SIGKILL)
        node.proc.wait(10)
        node.proc = None

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
