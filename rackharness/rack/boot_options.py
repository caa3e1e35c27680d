"""The system boot options a node's BMC keeps (IPMI 2.0 section 28.12, table 28-14).

The 5 bytes of parameter 5 ("boot flags") are stored as sent so any bit a tool sets reads back
unchanged; the named properties decode the parts the harness acts on:

    byte 1: bit 7 boot flag valid, bit 6 persistent (all future boots) vs next boot only,
            bit 5 boot type EFI (1) vs PC-compatible legacy (0)
    byte 2: bits 5:2 boot device selector (BOOT_DEVICES below), bit 7 CMOS clear, ...
    bytes 3-5: BIOS verbosity / console redirection / mux override / device instance

A valid, non-persistent setting applies to the next boot only: :meth:`consume_for_boot` (called
by the node on power on and reset) reports the device used and clears the flags.
"""
from __future__ import annotations

# Boot device selector, boot flags byte 2 bits 5:2 (table 28-14, parameter 5 data 2).
BOOT_DEVICES: dict[str, int] = {
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
BOOT_DEVICE_NAMES = {code: name for name, code in BOOT_DEVICES.items()}

FLAG_VALID = 0x80
FLAG_PERSISTENT = 0x40
FLAG_EFI = 0x20
DEVICE_SHIFT = 2
DEVICE_MASK = 0x3C

# Set-in-progress states (parameter 0 bits 1:0).
SET_COMPLETE = 0
SET_IN_PROGRESS = 1
COMMIT_WRITE = 2


class BootOptions:
    """Boot option parameters 0-5 of one node; a few bytes per node."""

    __slots__ = ("flags", "set_in_progress", "service_partition_selector",
                 "service_partition_scan", "valid_bit_clearing", "ack_data", "invalid_mask")

    def __init__(self) -> None:
        self.flags = bytearray(5)  # parameter 5
        self.set_in_progress = SET_COMPLETE  # parameter 0
        self.service_partition_selector = 0  # parameter 1
        self.service_partition_scan = 0  # parameter 2
        self.valid_bit_clearing = 0  # parameter 3
        self.ack_data = 0x00  # parameter 4 data 2: boot initiator acknowledge bits
        self.invalid_mask = 0  # bit n: parameter n "marked invalid/locked" (Set request bit 7)

    @property
    def valid(self) -> bool:
        return bool(self.flags[0] & FLAG_VALID)

    @property
    def persistent(self) -> bool:
        return bool(self.flags[0] & FLAG_PERSISTENT)

    @property
    def efi(self) -> bool:
        return bool(self.flags[0] & FLAG_EFI)

    @property
    def device(self) -> str:
        """The device override in effect ("none" when the flags are not valid)."""
        if not self.valid:
            return "none"
        code = (self.flags[1] & DEVICE_MASK) >> DEVICE_SHIFT
        return BOOT_DEVICE_NAMES.get(code, f"selector-{code:#x}")

    def set_device(self, device: str, *, persistent: bool = False, efi: bool = False) -> None:
        """Programmatic equivalent of ``ipmitool chassis bootdev <device> options=...``."""
        if device not in BOOT_DEVICES:
            raise ValueError(f"unknown boot device {device!r}; known: {', '.join(BOOT_DEVICES)}")
        self.flags[0] = FLAG_VALID | (FLAG_PERSISTENT if persistent else 0) | (FLAG_EFI if efi else 0)
        self.flags[1] = BOOT_DEVICES[device] << DEVICE_SHIFT
        self.flags[2:5] = b"\0\0\0"

    def consume_for_boot(self) -> str:
        """The device this boot uses; a next-boot-only setting is cleared afterwards."""
        device = self.device
        if self.valid and not self.persistent:
            self.flags[:] = bytes(5)
        return device

    def __repr__(self) -> str:
        return (f"BootOptions(device={self.device!r}, persistent={self.persistent}, "
                f"efi={self.efi}, flags={self.flags.hex()})")
