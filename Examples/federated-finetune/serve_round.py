"""One secagg round over the network: `secagg-tool serve` on loopback and one `client` process per update.

Used by run.py --transport serve. Keys come from `secagg-tool keygen` (made once per run, in the work
folder). The server listens on 127.0.0.1 with a free port (--port-file); every client connects without
TLS, which the tool allows only for a literal loopback address.
"""
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path


def _keys(tool: Path, folder: Path, clients: int, log) -> Path:
    keys = folder.parent / "keys"
    if not (keys / "registry.json").exists():
        cmd = [str(tool), "keygen", "--out", str(keys), "--clients", str(clients)]
        log.append(shlex.join(cmd))
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    return keys


def _value(flags, name):
    return str(flags[flags.index(name) + 1]) if name in flags else None


def run(tool: Path, model: Path, model_out: Path, updates: Path, folder: Path, flags, ledger: Path, seed: int,
        log) -> dict:
    files = sorted(updates.glob("client-*.safetensors"))
    folder.mkdir(parents=True, exist_ok=True)
    keys = _keys(tool, folder, len(files), log)
    port_file = folder / "port"
    serve = [str(tool), "serve", "--listen", "127.0.0.1:0", "--port-file", str(port_file),
             "--clients", str(len(files)), "--registry", str(keys / "registry.json"),
             "--identity", str(keys / "server.key"), "--model", str(model), "--model-out", str(model_out),
             "--ledger", str(ledger), "--seed", str(seed), "--join-timeout", "300", "--phase-timeout", "300",
             *map(str, flags), "--json"]
    log.append(shlex.join(serve))
    server_err = open(folder / "serve.stderr", "w")
    server = subprocess.Popen(serve, stdout=subprocess.PIPE, stderr=server_err, text=True)
    deadline = time.time() + 120
    while not (port_file.exists() and port_file.read_text().strip()):
        if server.poll() is not None or time.time() > deadline:
            server.kill()
            raise SystemExit(f"run: serve did not start listening; see {folder / 'serve.stderr'}")
        time.sleep(0.2)
    port = port_file.read_text().strip()
    policy = ["--allow-no-dp"] if "--no-dp" in flags else []
    delta = _value(flags, "--delta")
    if delta:
        # The client's own budget check: generous here, the server's ledger is the run's account.
        policy += ["--delta", delta, "--max-epsilon", "1000"]
    clients = []
    for i, update in enumerate(files, start=1):
        cmd = [str(tool), "client", "--server", f"127.0.0.1:{port}", "--identity", str(keys / f"client-{i:04d}.key"),
               "--registry", str(keys / "registry.json"), "--update", str(update), *policy, "--json"]
        if i == 1:
            log.append(shlex.join(cmd) + "   # … one per client")
        err = open(folder / f"client-{i:04d}.stderr", "w")
        clients.append((subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err), err))
    failed = 0
    for proc, err in clients:
        failed += proc.wait() != 0
        err.close()
    out, _ = server.communicate(timeout=600)
    server_err.close()
    if server.returncode != 0:
        raise SystemExit(f"run: serve failed (exit {server.returncode}); see {folder / 'serve.stderr'}")
    if failed:
        print(f"run: {failed} client process(es) exited non-zero; see {folder}", file=sys.stderr)
    return json.loads(out)
