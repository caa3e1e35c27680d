"""FRU 0 bytes of a node (Platform Management FRU Information Storage Definition v1.0).

Layout: 8-byte common header (section 8), then the chassis (section 10), board (section 11) and
product (section 12) info areas. Each area is ``[version 1, length in 8-byte units, ...fields,
0xC1 end-of-fields, zero padding, zero checksum]``; text fields are type/length bytes
(section 13.2: bits 7:6 type, 11b = 8-bit ASCII, 10b = 6-bit packed ASCII; bits 5:0 length).
The board manufacturing date is minutes since 1996-01-01 00:00 UTC, 3 bytes LS first.
"""

from __future__ import annotations

import datetime as dt

from rackharness.bmc.node_protocol import ManagedNode

FORMAT_VERSION = 0x01
END_OF_FIELDS = 0xC1
TYPE_8BIT_ASCII = 0xC0
TYPE_6BIT_ASCII = 0x80
LANGUAGE_ENGLISH = 0x00
FRU_EPOCH = dt.datetime(1996, 1, 1, tzinfo=dt.timezone.utc)
MAX_FIELD_BYTES = 63


def zero_checksum(data: bytes) -> int:
    """The byte that makes ``data`` + it sum to 0 modulo 256."""
    return -sum(data) & 0xFF


def pack_6bit_ascii(text: str) -> bytes | None:
    """4 characters (0x20-0x5F) into 3 bytes, first character in the low bits; None if not packable."""
    if any(not 0x20 <= ord(ch) <= 0x5F for ch in text):
        return None
    text += " " * (-len(text) % 4)
    out = bytearray()
    for i in range(0, len(text), 4):
        c = [ord(ch) - 0x20 for ch in text[i : i + 4]]
        out += bytes([c[0] | (c[1] & 0x03) << 6, c[1] >> 2 | (c[2] & 0x0F) << 4, c[2] >> 4 | c[3] << 2])
    return bytes(out)


def encode_field(text: str, *, six_bit: bool = False) -> bytes:
    """One type/length-prefixed field; an empty string is ``0xC0`` (present, no data)."""
    if six_bit:
        packed = pack_6bit_ascii(text)
        if packed is not None and text:
            return bytes([TYPE_6BIT_ASCII | len(packed)]) + packed
    raw = text.encode("latin-1", "replace")[:MAX_FIELD_BYTES]
    if len(raw) == 1:
        raw += b" "  # C1h would read as end-of-fields: a 1-byte text field cannot exist
    return bytes([TYPE_8BIT_ASCII | len(raw)]) + raw


def info_area(head: bytes, fields: list[bytes]) -> bytes:
    body = bytearray([FORMAT_VERSION, 0]) + head + b"".join(fields) + bytes([END_OF_FIELDS])
    body += bytes(-(len(body) + 1) % 8)
    body[1] = (len(body) + 1) // 8
    return bytes(body) + bytes([zero_checksum(body)])


def fru_minutes(when: dt.datetime) -> bytes:
    minutes = int((when - FRU_EPOCH).total_seconds() // 60)
    return minutes.to_bytes(3, "little")


def build_fru_image(node: ManagedNode) -> bytes:
    fru = node.profile.fru

    def field(name: str) -> bytes:
        return encode_field(node.render(getattr(fru, name)), six_bit=name in fru.six_bit_fields)

    chassis = info_area(bytes([fru.chassis_type]), [field("chassis_part_number"), field("chassis_serial")])
    board = info_area(
        bytes([LANGUAGE_ENGLISH]) + fru_minutes(fru.board_mfg_date),
        [
            field("board_manufacturer"),
            field("board_product"),
            field("board_serial"),
            field("board_part_number"),
            encode_field(""),
        ],
    )
    product = info_area(
        bytes([LANGUAGE_ENGLISH]),
        [
            field("product_manufacturer"),
            field("product_name"),
            field("product_part_number"),
            field("product_version"),
            field("product_serial"),
            field("product_asset_tag"),
            encode_field(""),
        ],
    )
    chassis_at = 8
    board_at = chassis_at + len(chassis)
    product_at = board_at + len(board)
    header = bytes([FORMAT_VERSION, 0, chassis_at // 8, board_at // 8, product_at // 8, 0, 0])
    return header + bytes([zero_checksum(header)]) + chassis + board + product
