"""Hardware profiles: what a virtual node *is* (``fixtures/hardware/<name>.yaml``).

A profile is immutable and shared by every node built from it; per-node identity (serial, UUID,
MACs) comes from the :class:`~rackharness.rack.spec.NodeSpec` and is substituted into the
``{serial}``-style templates of the FRU and catalog data when asked.

Sections of the YAML file:

- ``device``: Get Device ID data (IPMI 2.0 section 20.1);
- ``fru``: FRU 0 chassis/board/product info areas (Platform Management FRU Information Storage
  Definition v1.0, sections 10-12);
- ``sensors``: the sensor list (see :mod:`rackharness.rack.sensor_definition`);
- ``hardware``: CPU, memory, NIC, disk and PCI facts (what the boot agent's dmidecode, lshw, lspci,
  lsscsi and ohai print; one host MAC per NIC);
- ``catalogs``: DMI/lshw-like summaries (RackHD catalog shapes) kept as plain data for discovery.

Nothing is read at import time: :class:`ProfileLibrary` loads a profile the first time it is asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rackharness.bmc.node_description import DeviceIdentity, FruData
from rackharness.errors import ConfigError
from rackharness.ipmi.chassis_types import CHASSIS_TYPE_CODES
from rackharness.rack.profile_fields import FieldReader
from rackharness.rack.sensor_definition import SensorDefinition

TEMPLATE_FIELDS = {"serial": "S", "name": "N", "index": 0, "uuid": "U"}


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    name: str
    source: str
    device: DeviceIdentity
    fru: FruData
    sensors: tuple[SensorDefinition, ...]
    hardware: dict[str, Any]  # cpu / memory / nics / disks facts
    catalogs: dict[str, Any]  # e.g. "dmi": RackHD dmi catalog shape, with {serial}/{uuid} templates

    def sensor(self, number: int) -> SensorDefinition | None:
        for sensor in self.sensors:
            if sensor.number == number:
                return sensor
        return None

    def sensor_of_type(self, sensor_type: int) -> SensorDefinition | None:
        """The first sensor of an IPMI sensor type (events of power transitions name it)."""
        for sensor in self.sensors:
            if sensor.sensor_type == sensor_type:
                return sensor
        return None

    @classmethod
    def from_yaml_file(cls, path: Path) -> "HardwareProfile":
        source = str(path)
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read hardware profile: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
        return cls.from_mapping(raw, source=source, name=Path(path).stem)

    @classmethod
    def from_mapping(cls, raw: Any, *, source: str, name: str) -> "HardwareProfile":
        top = FieldReader(source, raw)
        sensors = tuple(SensorDefinition.from_fields(s) for s in top.sections("sensors"))
        seen: dict[int, str] = {}
        for i, sensor in enumerate(sensors):
            if sensor.number in seen:
                top.fail(
                    f"sensor number {sensor.number:#04x} is used by {seen[sensor.number]!r} and {sensor.name!r}",
                    f"sensors[{i}].number",
                )
            seen[sensor.number] = sensor.name
        hardware = top.section("hardware")
        for key in ("cpu", "memory", "nics", "disks"):
            hardware.raw(key)
        _check_hardware(hardware)
        catalogs = top.raw("catalogs", {})
        if not isinstance(catalogs, dict):
            top.fail("expected a mapping of catalog name to data", "catalogs")
        return cls(
            name=top.text("name", name),
            source=source,
            device=_device(top.section("device")),
            fru=_fru(top.section("fru")),
            sensors=sensors,
            hardware=hardware.data,
            catalogs=catalogs,
        )


def _device(f: FieldReader) -> DeviceIdentity:
    aux = f.int_list("aux_firmware", [0, 0, 0, 0])
    if len(aux) != 4:
        f.fail("expected exactly 4 bytes", "aux_firmware")
    return DeviceIdentity(
        device_id=f.integer("device_id", 0x20, low=0, high=0xFF),
        device_revision=f.integer("device_revision", 1, low=0, high=0x0F),
        firmware_major=f.integer("firmware_major", low=0, high=0x7F),
        firmware_minor=f.integer("firmware_minor", low=0, high=0xFF),
        ipmi_version=f.integer("ipmi_version", 0x02, low=0, high=0xFF),
        additional_device_support=f.integer("additional_device_support", 0xBF, low=0, high=0xFF),
        manufacturer_id=f.integer("manufacturer_id", low=0, high=0xFFFFF),
        product_id=f.integer("product_id", low=0, high=0xFFFF),
        aux_firmware=bytes(aux),
        controller_name=f.text("controller_name", "BMC"),
    )


def _fru(f: FieldReader) -> FruData:
    chassis, board, product = f.section("chassis"), f.section("board"), f.section("product")
    try:
        mfg_date = dt.datetime.strptime(board.text("mfg_date"), "%Y-%m-%d %H:%M")
    except ValueError:
        board.fail("expected 'YYYY-MM-DD HH:MM'", "mfg_date")
    data = dict(
        chassis_type=chassis.code("type", CHASSIS_TYPE_CODES),
        chassis_part_number=_template(chassis, "part_number"),
        chassis_serial=_template(chassis, "serial"),
        board_mfg_date=mfg_date.replace(tzinfo=dt.timezone.utc),
        board_manufacturer=_template(board, "manufacturer"),
        board_product=_template(board, "product_name"),
        board_serial=_template(board, "serial"),
        board_part_number=_template(board, "part_number"),
        product_manufacturer=_template(product, "manufacturer"),
        product_name=_template(product, "name"),
        product_part_number=_template(product, "part_number"),
        product_version=_template(product, "version"),
        product_serial=_template(product, "serial"),
        product_asset_tag=_template(product, "asset_tag", ""),
    )
    six_bit = f.raw("six_bit_fields", [])
    if not isinstance(six_bit, list) or not set(six_bit) <= set(data) - {"chassis_type", "board_mfg_date"}:
        f.fail(f"expected a list of FRU text field names, got {six_bit!r}", "six_bit_fields")
    return FruData(**data, six_bit_fields=frozenset(six_bit))


def _check_hardware(f: FieldReader) -> None:
    """The parts of ``hardware`` the boot agent prints: NIC names and PCI slots, disk sizes, PCI records."""
    slots = set()
    for record in f.sections("pci") if f.has("pci") else []:
        for key in ("slot", "class", "vendor", "device"):
            record.text(key)
        slots.add(record.text("slot"))
    for nic in f.sections("nics"):
        nic.text("name")
        if nic.has("pci") and nic.text("pci") not in slots:
            nic.fail(f"no pci record with slot {nic.text('pci')!r}", "pci")
    for disk in f.sections("disks"):
        disk.text("name")
        disk.number("size_gb")
    if isinstance(f.data.get("cpu"), dict) and f.data["cpu"]:
        cpu = f.section("cpu")
        cpu.integer("sockets", 1, low=1, high=64)
        cpu.integer("cores_per_socket", 1, low=1, high=1024)


def _template(f: FieldReader, key: str, default: Any = ...) -> str:
    """A text field that may hold ``{serial}``, ``{name}``, ``{index}``, ``{uuid}``."""
    text = f.text(key) if default is ... else f.text(key, default)
    try:
        filled = text.format(**TEMPLATE_FIELDS)
    except (KeyError, IndexError, ValueError) as exc:
        f.fail(f"bad template {text!r} ({exc}); allowed: " + ", ".join("{" + k + "}" for k in TEMPLATE_FIELDS), key)
    if len(filled) > 63:
        f.fail("FRU fields hold at most 63 bytes", key)
    return text


class ProfileLibrary:
    """Loads ``<directory>/<name>.yaml`` once; every node of a profile shares the one object."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._loaded: dict[str, HardwareProfile] = {}

    def get(self, name: str) -> HardwareProfile:
        profile = self._loaded.get(name)
        if profile is None:
            path = self.directory / f"{name}.yaml"
            if not path.is_file():
                known = sorted(p.stem for p in self.directory.glob("*.yaml"))
                raise ConfigError(
                    f"{path}: no hardware profile {name!r}",
                    hint=f"profiles in {self.directory}: {', '.join(known) or 'none'}",
                )
            profile = self._loaded[name] = HardwareProfile.from_yaml_file(path)
        return profile


def render_template(template: str, *, serial: str, name: str, index: int, uuid: str) -> str:
    """Fill a profile template (``"QTF{serial}"``) with one node's identity."""
    return template.format(serial=serial, name=name, index=index, uuid=uuid)
