"""Server: `handouts serve` — check the options, pick the allowed hosts and token, run uvicorn."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
import time
import webbrowser
from pathlib import Path

from ..errors import HandoutError, SelectionError

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
# uvicorn's own access log is off: the Guard logs method, path and status only (no query, no body)
LOG_CONFIG = {
    "version": 1, "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                            "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "handouts.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


class ServeError(HandoutError):
    """The front desk cannot start as asked."""


def is_loopback(host: str) -> bool:
    """Tell whether `host` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> frozenset[str]:
    """Return the Host header names a browser may use to reach a server bound to `host`."""
    names = set(LOOPBACK_NAMES)
    if is_loopback(host):
        return frozenset(names | {host.lower()})
    names |= {host.lower(), f"[{host.lower()}]" if ":" in host else host.lower()}
    machine = socket.gethostname()
    names |= {machine.lower(), socket.getfqdn().lower()}
    try:
        for info in socket.getaddrinfo(machine, None):
            address = str(info[4][0])
            names.add(f"[{address}]" if ":" in address else address)
    except OSError:
        pass  # a machine whose name does not resolve is reached by its address
    return frozenset(names - {"0.0.0.0", "[::]"})


def access_token(host: str, token: str | None) -> str | None:
    """Return the token every request must carry: given, generated for a network address, or
    None on this machine only."""
    if token or is_loopback(host):
        return token or None
    return secrets.token_urlsafe(24)  # anyone on the network could reach it otherwise


def serve(clinic_dir: str, host: str, port: int, open_browser: bool, printers: tuple[str, ...],
          token: str | None) -> None:
    """Run the front desk until Ctrl-C."""
    try:
        import uvicorn

        from .app import Settings, create_app
    except ImportError as err:
        raise ServeError(f"the front desk needs the serve extra ({err.name} is missing): "
                         'pip install "handouts[serve]"') from err
    token = access_token(host, token)
    root = Path(clinic_dir)
    if not root.is_dir():
        raise SelectionError(f"{root}: no such folder (give a clinic folder or a folder of them)")
    _check_port(host, port)
    app = create_app(Settings(root, allowed_hosts(host), token, printers))
    shown = "localhost" if host in ("127.0.0.1", "localhost") else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    print(f"Front desk: {url}\n(Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Thread(target=_open_when_up, args=(host, port, url), daemon=True).start()
    uvicorn.run(app, host=host, port=port, log_config=LOG_CONFIG, access_log=False,
                server_header=False, timeout_graceful_shutdown=5)


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, before the workers start."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise ServeError(f"--host {host}: {err.strerror or err}") from err
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise ServeError(f"cannot listen on {host} port {port} ({err.strerror}): another "
                             "program uses it; choose another with --port") from err


def _open_when_up(host: str, port: int, url: str) -> None:
    """Open the page in the default browser once the server accepts connections."""
    target = "127.0.0.1" if host in ("0.0.0.0", "localhost") else host.strip("[]")
    for _ in range(100):
        try:
            with socket.create_connection((target, port), timeout=0.2):
                webbrowser.open(url)
                return
        except OSError:
            time.sleep(0.1)
