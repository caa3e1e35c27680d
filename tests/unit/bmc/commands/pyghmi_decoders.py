"""pyghmi's client-side decoders used as independent judges of our bytes."""

import struct

import pyghmi.ipmi.private.constants as event_constants
from pyghmi.ipmi.sdr import SDREntry


def read_all_sdrs(bmc, chunk: int = 16) -> list[bytes]:
    """Walk the repository as ipmitool does: header first, then the rest in reserved chunks."""
    reservation = struct.unpack("<H", bmc.ok(0x0A, 0x22))[0]
    records, record_id = [], 0
    while record_id != 0xFFFF:
        head = bmc.ok(0x0A, 0x23, struct.pack("<HHBB", 0, record_id, 0, 5))
        next_id, header = struct.unpack("<H", head[:2])[0], head[2:]
        body, length = b"", header[4]
        while len(body) < length:
            part = bmc.ok(
                0x0A, 0x23, struct.pack("<HHBB", reservation, record_id, 5 + len(body), min(chunk, length - len(body)))
            )
            body += part[2:]
        records.append(header + body)
        record_id = next_id
    return records


def sdr_entry(record: bytes) -> SDREntry:
    return SDREntry(bytearray(record), event_constants)


class NoCommand:
    """pyghmi asks the BMC only for non-linear sensors; ours are all linear."""

    def raw_command(self, **kwargs):  # pragma: no cover - would mean a non-linear record
        raise AssertionError("pyghmi needed reading factors")
