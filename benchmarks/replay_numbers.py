"""Issue-18 figures: record the suite against a local stack, promote, take the stack down, replay with none.

Exactly the issue's "Done when", timed, on a private 8-node stack (own state dir and ports) whose
passwords are unlike any user name:

1. ``rackharness up``; the suite live with ``RACKHARNESS_RECORD_MODE=all`` (recording into a private
   ``tapes.record_dir``); the live run's wall time;
2. ``rackharness tapes promote`` into ``--promote-to`` (default: a temporary directory; the repo's set
   is made with ``--promote-to fixtures/tapes``);
3. ``rackharness down``; a check that nothing listens on any port of the stack;
4. the suite with ``RACKHARNESS_RECORD_MODE=none`` (and no RACKHARNESS_STATE_DIR): wall time, counts;
5. every secret of the run — the passwords, and every token found in the unscrubbed recording — searched
   in every promoted tape as text, URL-encoded, JSON-escaped, base64 (also of ``user:password``) and hex.

Writes benchmarks/results/replay_numbers.json. Usage: .venv/bin/python benchmarks/replay_numbers.py [--promote-to DIR]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

REPO = Path(__file__).resolve().parents[1]
PORTS = {
    "RACKHARNESS_AMQP_PORT": 26672,
    "RACKHARNESS_AMQP_DIST_PORT": 26673,
    "RACKHARNESS_AMQP_EPMD_PORT": 26369,
    "RACKHARNESS_MONGO_PORT": 26017,
    "RACKHARNESS_TARGET_PORT": 26080,
    "RACKHARNESS_TARGET_AUTH_PORT": 26443,
    "RACKHARNESS_BMC_BASE_PORT": 26230,
}
#: unlike any user name (admin, guest), with characters that URL and JSON encode
SECRETS = {
    "RACKHARNESS_BMC_PASSWORD": "Bmc~Rec0rd/pw+1",
    "RACKHARNESS_AMQP_PASSWORD": "Amqp.Rec0rd~pw3",
    "RACKHARNESS_TARGET_AUTH_PASSWORD": "Api-Rec0rd!pw4",
    "RACKHARNESS_TARGET_AUTH_TOKEN_SECRET": "TokRec0rdSecret5xyz",
}
USERS = ("admin", "guest")
NODES = 8
JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")


def nose2(env: dict, mode: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nose2"],
        cwd=REPO,
        env={**env, "RACKHARNESS_RECORD_MODE": mode},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    lines = done.stderr.strip().splitlines()
    return {
        "exit": done.returncode,
        "wall_s": round(time.perf_counter() - started, 2),
        "summary": next((line for line in reversed(lines) if line.startswith("nose2:")), ""),
        "tail": lines[-12:] if done.returncode else [],
    }


def encodings(secret: bytes) -> dict[str, bytes]:
    text = secret.decode()
    forms = {
        "plain": secret,
        "url": quote(text, safe="").encode(),
        "url+": quote_plus(text).encode(),
        "json": json.dumps(text)[1:-1].encode(),
        "base64": base64.b64encode(secret).rstrip(b"="),
        "base64url": base64.urlsafe_b64encode(secret).rstrip(b"="),
        "hex": secret.hex().encode(),
    }
    for user in USERS:
        forms[f"basic {user}"] = base64.b64encode(f"{user}:{text}".encode()).rstrip(b"=")
    return forms


def find_leaks(directory: Path, secrets: dict[str, bytes]) -> list[str]:
    found = []
    for path in sorted(directory.glob("*.json")):
        data = path.read_bytes()
        lowered = data.lower()
        for name, secret in secrets.items():
            for how, form in encodings(secret).items():
                if form in data or (how == "hex" and form.lower() in lowered):
                    found.append(f"{path.name}: {name} ({how})")
    return found


def listening(ports: list[int]) -> list[int]:
    busy = []
    for port in ports:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


def main(promote_to: Path | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="rh-bench-replay-"))
    tapes_dir = promote_to.resolve() if promote_to else tmp / "promoted"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env.update(
        {k: str(v) for k, v in PORTS.items()},
        **SECRETS,
        RACKHARNESS_STATE_DIR=str(tmp / "state"),
        RACKHARNESS_NODES=str(NODES),
        RACKHARNESS_TAPES_RECORD_DIR=str(tmp / "recorded"),
        RACKHARNESS_TAPES_DIR=str(tapes_dir),
    )
    cli = [sys.executable, "-m", "rackharness"]
    up = subprocess.run([*cli, "up"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if up.returncode != 0:
        raise SystemExit(f"rackharness up failed:\n{up.stdout}\n{up.stderr}")
    try:
        live = nose2(env, "all")
        recorded = tmp / "recorded" / "reference"
        tokens = {m for p in recorded.glob("*.json") for m in JWT.findall(p.read_bytes())}
        promoted = subprocess.run(
            [*cli, "tapes", "promote"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
        )
    finally:
        subprocess.run([*cli, "down", "--force", "--purge"], cwd=REPO, env=env, capture_output=True, timeout=120)
    if promoted.returncode != 0:
        raise SystemExit(f"promote failed:\n{promoted.stdout}\n{promoted.stderr}")
    still = listening(list(PORTS.values()))
    replay_env = {k: v for k, v in env.items() if k not in ("RACKHARNESS_STATE_DIR", *SECRETS)}
    replays = [nose2(replay_env, "none") for _ in range(3)]
    secrets = {k: v.encode() for k, v in SECRETS.items()}
    secrets.update({f"token {n + 1}": t for n, t in enumerate(sorted(tokens))})
    leaks = find_leaks(tapes_dir / "reference", secrets)
    walls = sorted(r["wall_s"] for r in replays)
    return {
        "what": f"the suite recorded against an {NODES}-node local stack (mode all), promoted, the stack "
        "taken down, then replayed with mode none",
        "live_record_run": live,
        "promote": promoted.stdout.strip(),
        "ports_listening_after_down": still,
        "replays": replays,
        "replay_wall_p50_s": walls[1],
        "replay_wall_max_s": walls[-1],
        "replay_share_of_live": round(walls[1] / live["wall_s"], 4),
        "goal": "replay < 5 s and < 10 % of live",
        "tapes": len(list((tapes_dir / "reference").glob("*.json"))),
        "tapes_bytes": sum(p.stat().st_size for p in (tapes_dir / "reference").glob("*.json")),
        "secrets_checked": sorted(secrets)[:4] + [f"{len(tokens)} token(s) the recording held"],
        "leaks": leaks,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promote-to", type=Path, help="tapes.dir to promote into (e.g. fixtures/tapes)")
    figures = main(parser.parse_args().promote_to)
    out = REPO / "benchmarks" / "results" / "replay_numbers.json"
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: figures[k]
                for k in ("replay_wall_p50_s", "replay_share_of_live", "leaks", "ports_listening_after_down")
            }
        ),
        "->",
        out,
    )
