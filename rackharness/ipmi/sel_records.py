"""The 16-byte SEL record (IPMI 2.0 section 32.1) and the record ids of the SEL commands (chapter 31)::

0-1  record id (LS byte first)       2  record type (0x02 system event)
3-6  timestamp, seconds since 1970   7-8  generator id (0x20 0x00 = BMC, LUN 0)
9    EvM revision 0x04               10 sensor type   11 sensor number
12   event dir (bit 7) | event/reading type          13-15 event data 1-3
"""

from __future__ import annotations

SEL_RECORD_BYTES = 16
SYSTEM_EVENT_RECORD = 0x02
BMC_GENERATOR_ID = 0x0020
EVM_REV = 0x04  # event message format revision of IPMI 1.5 and later
FIRST_RECORD = 0x0000
LAST_RECORD = 0xFFFF
FIRST_NON_TIMESTAMPED_OEM_TYPE = 0xE0


def timestamped(record_type: int) -> bool:
    """Record types whose timestamp the BMC fills in on Add SEL Entry (section 31.6)."""
    return record_type < FIRST_NON_TIMESTAMPED_OEM_TYPE
