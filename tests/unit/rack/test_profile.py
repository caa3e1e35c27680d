"""Hardware profiles: the shipped fixtures load, bad data fails naming file and field."""

import tempfile
import unittest
from pathlib import Path

import yaml

from rackharness.errors import ConfigError
from rackharness.rack.profile import HardwareProfile, ProfileLibrary
from tests.support.virtual_node import PROFILES_DIR

MINIMAL = {
    "device": {"firmware_major": 1, "firmware_minor": 0, "manufacturer_id": 343, "product_id": 1},
    "fru": {
        "chassis": {"type": "rack_mount_chassis", "part_number": "P", "serial": "{serial}"},
        "board": {
            "mfg_date": "2017-01-01 00:00",
            "manufacturer": "Intel",
            "product_name": "B",
            "serial": "B{serial}",
            "part_number": "BP",
        },
        "product": {"manufacturer": "Intel", "name": "N", "part_number": "PP", "version": "1", "serial": "{serial}"},
    },
    "sensors": [
        {
            "name": "CPU Temp",
            "number": 1,
            "entity": "processor.1",
            "type": "temperature",
            "unit": "degrees_c",
            "thresholds": {"uc": 90},
            "reading": {"when_off": 20, "when_on": 40},
        }
    ],
    "hardware": {"cpu": {}, "memory": {}, "nics": [], "disks": []},
}


def load(mapping) -> HardwareProfile:
    return HardwareProfile.from_mapping(mapping, source="test.yaml", name="test")


def with_changes(path: str, value):
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    *parents, last = path.split("/")
    target = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


class ShippedProfilesTest(unittest.TestCase):
    def test_quanta_and_dell_load_with_realistic_identity(self):
        library = ProfileLibrary(PROFILES_DIR)
        quanta, dell = library.get("quanta-d51"), library.get("dell-r630")
        self.assertEqual(quanta.device.manufacturer_id, 7244)
        self.assertEqual(dell.device.manufacturer_id, 674)
        self.assertEqual(quanta.fru.board_product, "S2B-MB")
        self.assertEqual(quanta.catalogs["dmi"]["System Information"]["Product Name"], "D51B-2U (dual 10G LoM)")
        for profile in (quanta, dell):
            self.assertTrue(12 <= len(profile.sensors) <= 25, profile.name)
            types = {s.sensor_type for s in profile.sensors}
            self.assertTrue({0x01, 0x02, 0x03, 0x04, 0x08, 0x09, 0x0B, 0x22} <= types, profile.name)
            watts = [s for s in profile.sensors if s.unit == 6]
            self.assertEqual(len(watts), 1)
            for key in ("cpu", "memory", "nics", "disks"):
                self.assertIn(key, profile.hardware)

    def test_library_shares_one_object_per_profile(self):
        library = ProfileLibrary(PROFILES_DIR)
        self.assertIs(library.get("dell-r630"), library.get("dell-r630"))

    def test_unknown_profile_names_the_path_and_lists_known_ones(self):
        with self.assertRaises(ConfigError) as caught:
            ProfileLibrary(PROFILES_DIR).get("hp-dl380")
        self.assertIn("hp-dl380.yaml", str(caught.exception))
        self.assertIn("quanta-d51", caught.exception.hint)


class ValidationTest(unittest.TestCase):
    def assert_config_error(self, data, *fragments):
        with self.assertRaises(ConfigError) as caught:
            load(data)
        for fragment in ("test.yaml",) + fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_minimal_profile_loads(self):
        profile = load(MINIMAL)
        self.assertEqual(profile.sensors[0].threshold_raw("uc"), 90)

    def test_missing_field(self):
        self.assert_config_error(with_changes("device/manufacturer_id", KeyError), "device.manufacturer_id", "missing")

    def test_bad_threshold_value(self):
        self.assert_config_error(
            with_changes("sensors/0/thresholds", {"uc": "hot"}), "sensors[0].thresholds.uc", "number"
        )

    def test_unknown_threshold_name(self):
        self.assert_config_error(with_changes("sensors/0/thresholds", {"upper": 3}), "sensors[0].thresholds", "upper")

    def test_yaml_on_off_keys_are_rejected_not_silently_ignored(self):
        data = yaml.safe_load(yaml.safe_dump(MINIMAL).replace("when_on", "on").replace("when_off", "off"))
        self.assert_config_error(data, "sensors[0].reading", "unknown field")

    def test_unknown_sensor_type(self):
        self.assert_config_error(with_changes("sensors/0/type", "humidity"), "sensors[0].type")

    def test_duplicate_sensor_numbers(self):
        data = with_changes("sensors", MINIMAL["sensors"] * 2)
        self.assert_config_error(data, "sensors[1].number", "0x01")

    def test_bad_serial_template(self):
        self.assert_config_error(with_changes("fru/board/serial", "B{serialnumber}"), "fru.board.serial", "{serial}")

    def test_bad_date(self):
        self.assert_config_error(with_changes("fru/board/mfg_date", "yesterday"), "fru.board.mfg_date")

    def test_invalid_yaml_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "broken.yaml"
            path.write_text("device: [unclosed\n")
            with self.assertRaises(ConfigError) as caught:
                ProfileLibrary(tmp).get("broken")
            self.assertIn("broken.yaml", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
