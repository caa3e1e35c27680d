"""The virtual rack: nodes with identity, power and hardware, each behind its own virtual BMC.

:mod:`.spec` is what the stack hands the rack process (plain data, JSON on disk).
"""
