"""Real virtual machines (QEMU) that netboot against RackHD or the reference target, and the microkernel they boot."""
