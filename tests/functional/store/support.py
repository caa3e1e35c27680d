"""Support for the store conformance suite: a raw OP_QUERY client (what RackHD's mongodb 1.4/2.1
drivers send), a store started through rackharness's own launcher on a free port, the captures."""

from __future__ import annotations

import gzip
import itertools
import shutil
import socket
import struct
import sys
import tempfile
import unittest
from pathlib import Path

import bson
import pymongo

from rackharness.services.mongo import NX_27017, MongoService

ROOT = Path(__file__).resolve().parents[3]
CAPTURES = ROOT.parent / "shared" / "rackhd-captures" / "mongo-commands.jsonl.gz"
OP_REPLY, OP_QUERY = 1, 2004
_ids = itertools.count(1)


def skip(cls_or_test, reason: str):
    print(f"\nSKIP {getattr(cls_or_test, '__name__', cls_or_test)}: {reason}", file=sys.stderr)
    raise unittest.SkipTest(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def encode_op_query(namespace: str, query: dict, skip_n: int = 0, n_return: int = -1, flags: int = 0) -> bytes:
    """An OP_QUERY message (opcode 2004) as the legacy drivers frame it."""
    body = (
        struct.pack("<i", flags)
        + namespace.encode()
        + b"\x00"
        + struct.pack("<ii", skip_n, n_return)
        + bson.encode(query)
    )
    return struct.pack("<iiii", 16 + len(body), next(_ids), 0, OP_QUERY) + body


def decode_op_reply(data: bytes) -> list[dict]:
    length, _, _, opcode = struct.unpack("<iiii", data[:16])
    assert opcode == OP_REPLY, f"answer is opcode {opcode}, not OP_REPLY"
    _, _, _, count = struct.unpack("<iqii", data[16:36])
    docs = bson.decode_all(data[36:length])
    assert len(docs) == count, f"OP_REPLY says {count} documents, holds {len(docs)}"
    return docs


class WireClient:
    """One connection speaking OP_QUERY only: ``command`` on ``<db>.$cmd``, ``find`` on ``<db>.<coll>``."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        #: True adds ``$db`` to commands (not what RackHD sends): measures the other forms on a store
        #: that gets form 1 wrong
        self.add_db = False

    def close(self):
        self.sock.close()

    def _exchange(self, message: bytes) -> list[dict]:
        self.sock.sendall(message)
        header = self._read(16)
        (length,) = struct.unpack("<i", header[:4])
        return decode_op_reply(header + self._read(length - 16))

    def _read(self, n: int) -> bytes:
        chunks = b""
        while len(chunks) < n:
            chunk = self.sock.recv(n - len(chunks))
            if not chunk:
                raise ConnectionError("the store closed the connection (no OP_REPLY)")
            chunks += chunk
        return chunks

    def command(self, db: str, cmd: dict) -> dict:
        """The command as RackHD's drivers send it: OP_QUERY on ``db.$cmd``, no ``$db``."""
        cmd = {k: v for k, v in cmd.items() if k != "$db"}
        if self.add_db:
            cmd["$db"] = db
        docs = self._exchange(encode_op_query(f"{db}.$cmd", cmd))
        assert len(docs) == 1, f"a command answers one document, got {len(docs)}"
        return docs[0]

    def find(self, db: str, coll: str, query: dict, skip_n: int = 0, n_return: int = 0) -> list[dict]:
        """A legacy OP_QUERY find on ``db.coll`` (``query`` a bare filter or ``{$query, $orderby}``)."""
        return self._exchange(encode_op_query(f"{db}.{coll}", query, skip_n, n_return))


class Store:
    """A private store (nx-27017 in the layer, or bare) on a free port and a temp dir."""

    def __init__(self, layer: bool = True):
        self.dir = Path(tempfile.mkdtemp(prefix="rh-store-"))
        self.service = MongoService(free_port(), self.dir / "data", self.dir / "logs", engine=NX_27017, layer=layer)
        self.record = None

    def start(self) -> "Store":
        self.service.check_prerequisites()
        self.record = self.service.start()
        self.service.wait_ready(self.record, timeout=30)
        self.client = pymongo.MongoClient(self.service.url, serverSelectionTimeoutMS=5000)
        self.wire = WireClient(self.service.port)
        return self

    def stop(self):
        for closing in (getattr(self, "wire", None), getattr(self, "client", None)):
            if closing is not None:
                closing.close()
        self.service.stop(self.record)
        shutil.rmtree(self.dir, ignore_errors=True)


def start_store(cls, layer: bool = True) -> Store:
    """Start a store for a TestCase class (stopped at class cleanup); skip when nx-27017 is missing."""
    from rackharness.errors import PrerequisiteError

    store = Store(layer)
    try:
        store.start()
    except PrerequisiteError as exc:
        store.stop()
        skip(cls, str(exc))
    cls.addClassCleanup(store.stop)
    return store


def load_captures(cls) -> list[dict]:
    if not CAPTURES.is_file():
        skip(cls, f"{CAPTURES} is absent (RackHD's captured Mongo command shapes)")
    from bson import json_util

    with gzip.open(CAPTURES, "rt", encoding="utf-8") as lines:
        return [json_util.loads(line) for line in lines if line.strip()]
