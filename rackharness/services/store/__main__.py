"""``python -m rackharness.services.store --host H -p PORT --data-dir DIR [--log-file F] [--pid-file F]``:
nx-27017's server loop serving :class:`StoreHandler` (in the foreground; no daemon mode)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rackharness.services.store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--data-dir", required=True, help="one SQLite file per database ('memory' = none)")
    parser.add_argument("--log-file")
    parser.add_argument("--pid-file")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    from nx_27017 import daemon, server

    from rackharness.services.store.handler import StoreHandler

    level = logging.DEBUG if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s [%(process)d] %(message)s")
    if not args.verbose:  # the engine's SQL-tier fallbacks are expected for the rewritten filters
        logging.getLogger("neosqlite").setLevel(logging.ERROR)
    if args.log_file:
        handler = logging.FileHandler(args.log_file)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s [%(process)d] %(message)s"))
        logging.getLogger().addHandler(handler)
    if args.pid_file and not daemon.write_pid_file(args.pid_file):
        return 1

    def stop(*_):  # as nx-27017 itself: unwind the loop (its sockets close, the port is free at once)
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logging.getLogger("rackharness.store").warning("store on %s:%s, data in %s", args.host, args.port, args.data_dir)
    try:
        server.run_server_threaded(args.host, args.port, StoreHandler(data_dir=args.data_dir), use_threading=False)
    finally:
        if args.pid_file:
            daemon.remove_pid_file(args.pid_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
