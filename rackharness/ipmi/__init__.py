"""The IPMI protocol's tables: codes, their names in the harness's profiles, and ipmitool's words.

One module per concept; data and pure functions only (no I/O, nothing of the node model):

- :mod:`.sensor_types`     sensor type codes (IPMI 2.0 table 42-3) and event/reading types (42-1)
- :mod:`.events`           generic and sensor-specific event offsets (tables 42-2, 42-3) and their text
- :mod:`.units`            sensor unit type codes (table 43-15)
- :mod:`.entities`         entity id codes (table 43-13)
- :mod:`.sensor_conversion` the linear reading conversion of a full sensor record (section 36.3)
- :mod:`.sensor_thresholds` threshold names in the bit order of the masks (section 35.9)
- :mod:`.completion_codes` completion codes (table 5-2) and ipmitool's text for them
- :mod:`.manufacturers`    IANA enterprise numbers -> ipmitool's manufacturer names
- :mod:`.chassis_status`   power restore policy, last power event (chassis status, table 28-3)
- :mod:`.boot_parameters`  system boot option parameters (section 28.12, table 28-14)
- :mod:`.chassis_types`    FRU chassis type codes (SMBIOS) and ipmitool's names for them
- :mod:`.sel_records`      the 16-byte SEL record format (section 32.1)
- :mod:`.text`             ipmitool's words for App netfn fields (device support bits, privilege limits)

Where a table has names in two directions, ``*_NAMES`` maps code -> the text ipmitool prints and
``*_CODES`` maps the snake_case name a hardware profile writes -> code. Used by the BMC's command
set, the in-band ipmitool of the virtual nodes, the reference server's pollers and the tests.
"""
