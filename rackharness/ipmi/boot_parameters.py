"""System boot option parameters (IPMI 2.0 section 28.12, table 28-14).

Parameter 5 ("boot flags") bytes::

    byte 1: bit 7 boot flag valid, bit 6 persistent (all future boots) vs next boot only,
            bit 5 boot type EFI (1) vs PC-compatible legacy (0)
    byte 2: bits 5:2 boot device selector (BOOT_DEVICE_SELECTORS below), bit 7 CMOS clear, ...
    bytes 3-5: BIOS verbosity / console redirection / mux override / device instance
"""

from __future__ import annotations

# Set-in-progress states (parameter 0 bits 1:0).
SET_COMPLETE = 0
SET_IN_PROGRESS = 1
COMMIT_WRITE = 2

BOOT_FLAGS = 5  # parameter selector of the boot flags
BOOT_FLAGS_BYTES = 5
FLAG_VALID = 0x80
FLAG_PERSISTENT = 0x40
FLAG_EFI = 0x20
DEVICE_SHIFT = 2
DEVICE_MASK = 0x3C

#: boot device name -> selector, boot flags byte 2 bits 5:2 (parameter 5 data 2)
BOOT_DEVICE_SELECTORS: dict[str, int] = {
    "none": 0x0,  # no override: the BIOS boot order applies
    "pxe": 0x1,
    "disk": 0x2,
    "safe": 0x3,  # default hard drive, safe mode
    "diag": 0x4,  # default diagnostic partition
    "cdrom": 0x5,
    "bios": 0x6,  # BIOS setup
    "remote-floppy": 0x7,
    "remote-cdrom": 0x8,
    "remote-disk": 0xB,
    "floppy": 0xF,
}
BOOT_DEVICE_NAMES: dict[int, str] = {code: name for name, code in BOOT_DEVICE_SELECTORS.items()}
