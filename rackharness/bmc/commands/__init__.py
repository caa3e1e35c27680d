"""The IPMI command set a virtual node's BMC serves, one module per area:

- :mod:`.app`        App netfn 0x06: device id, GUIDs, self test, channels, users (IPMI 2.0 ch. 20, 22)
- :mod:`.chassis`    Chassis netfn 0x00: status, control, identify, POH (ch. 28)
- :mod:`.boot_options` Chassis 0x08/0x09 system boot options (section 28.12)
- :mod:`.sensor`     Sensor/Event netfn 0x04: readings, thresholds, platform event (ch. 29, 35)
- :mod:`.sdr`        Storage netfn 0x0A: SDR repository (ch. 33); records in :mod:`.sdr_records`
- :mod:`.sel`        Storage netfn 0x0A: SEL (ch. 31)
- :mod:`.fru`        Storage netfn 0x0A: FRU inventory (ch. 34); bytes in :mod:`.fru_image`
- :mod:`.transport`  Transport netfn 0x0C: LAN configuration parameters (ch. 23)

:class:`~.dispatch.NodeCommandHandler` is the entry point the session layer calls; the commands
are written against :class:`~rackharness.bmc.node_protocol.ManagedNode`, not the node model.
This package module imports nothing, so an area module never pulls in the dispatcher (which
imports every area).
"""
