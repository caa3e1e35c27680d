"""The system boot options a node's BMC keeps (IPMI 2.0 section 28.12, table 28-14).

The 5 bytes of parameter 5 ("boot flags", laid out in :mod:`rackharness.ipmi.boot_parameters`)
are stored as sent so any bit a tool sets reads back unchanged; the named properties decode the
parts the harness acts on.

A valid, non-persistent setting applies to the next boot only: :meth:`consume_for_boot` (called
by the node on power on and reset) reports the device used and clears the flags.
"""

from __future__ import annotations

from rackharness.ipmi.boot_parameters import (
    BOOT_DEVICE_NAMES,
    BOOT_DEVICE_SELECTORS,
    BOOT_FLAGS_BYTES,
    DEVICE_MASK,
    DEVICE_SHIFT,
    FLAG_EFI,
    FLAG_PERSISTENT,
    FLAG_VALID,
    SET_COMPLETE,
)


class BootOptions:
    """Boot option parameters 0-5 of one node; a few bytes per node."""

    __slots__ = (
        "flags",
        "set_in_progress",
        "service_partition_selector",
        "service_partition_scan",
        "valid_bit_clearing",
        "ack_data",
        "invalid_mask",
    )

    def __init__(self) -> None:
        self.flags = bytearray(BOOT_FLAGS_BYTES)  # parameter 5
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
        if device not in BOOT_DEVICE_SELECTORS:
            raise ValueError(f"unknown boot device {device!r}; known: {', '.join(BOOT_DEVICE_SELECTORS)}")
        self.flags[0] = FLAG_VALID | (FLAG_PERSISTENT if persistent else 0) | (FLAG_EFI if efi else 0)
        self.flags[1] = BOOT_DEVICE_SELECTORS[device] << DEVICE_SHIFT
        self.flags[2:5] = b"\0\0\0"

    def consume_for_boot(self) -> str:
        """The device this boot uses; a next-boot-only setting is cleared afterwards."""
        device = self.device
        if self.valid and not self.persistent:
            self.flags[:] = bytes(BOOT_FLAGS_BYTES)
        return device

    def __repr__(self) -> str:
        return (
            f"BootOptions(device={self.device!r}, persistent={self.persistent}, "
            f"efi={self.efi}, flags={self.flags.hex()})"
        )
