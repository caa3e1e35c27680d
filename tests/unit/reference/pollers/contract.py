"""The poll contract: what each of RackHD's six IPMI poller commands yields from a rack BMC.

Mixed into a TestCase that provides ``caller`` (BmcCaller's seam), ``address`` (a BmcAddress) and
``set_power(on)``; run against in-process virtual nodes with FakeCaller
(tests/unit/reference/pollers/test_poll_contract.py) and against the rack's BMCs over UDP with the
real BmcCaller (tests/functional/reference/test_pollers_on_bmcs.py): the fake must pass what the real
side passes.
"""

from rackharness.reference.pollers.bmc_reads import RawBmc, SdrCache
from rackharness.reference.pollers.commands import COMMANDS, UID_STATES, CommandRun

SEL_KEYS = {"logId", "date", "time", "sensorType", "sensorNumber", "event", "value"}
SDR_REQUIRED = ("sensorId", "entityId", "sdrType", "sensorType", "sensorReading")
SEL_ENTRY_KEYS = {
    "SEL Record ID",
    "Record Type",
    "Timestamp",
    "Generator ID",
    "EvM Revision",
    "Sensor Type",
    "Sensor Number",
    "Event Type",
    "Event Direction",
    "Event Data",
    "Description",
    "Event Type Code",
    "Sensor Type Code",
}


class PollContract:
    caller = None
    address = None

    def set_power(self, on):
        raise NotImplementedError

    def poll(self, command, place=None):
        cache = getattr(self, "sdr_cache", None) or SdrCache()
        self.sdr_cache = cache
        place = {} if place is None else place
        return self.caller.call(
            self.address,
            f"the {command} poller",
            lambda session: COMMANDS[command](CommandRun(RawBmc(session), self.address.key, cache, place)),
        )

    def test_chassis_power_follows_the_bmc(self):
        for on in (True, False, True):
            self.set_power(on)
            data = self.poll("chassis")
            self.assertEqual(set(data), {"power", "uid"}, data)
            self.assertIs(data["power"], on)
            self.assertIn(data["uid"], UID_STATES)

    def test_sel_information_is_ipmitools_text_fields(self):
        data = self.poll("selInformation")
        for key in ("Version", "Entries", "Free Space", "Percent Used", "Last Add Time", "Last Del Time", "Overflow"):
            self.assertIsInstance(data.get(key), str, f"{key}: {data}")
        self.assertTrue(data["Entries"].isdigit(), data)
        self.assertTrue(data["Version"].startswith("1.5"), data)

    def test_sel_lists_the_power_events_last(self):
        self.set_power(True)
        self.set_power(False)
        listed = self.poll("sel")
        self.assertTrue(0 < len(listed) <= 25, listed)
        for entry in listed:
            self.assertEqual(set(entry), SEL_KEYS, entry)
            self.assertIn(entry["value"], ("Asserted", "Deasserted"))
        self.assertEqual((listed[-1]["sensorType"], listed[-1]["event"]), ("Power Unit", "Power off/down"), listed[-3:])

    def test_sel_entries_are_new_records_only(self):
        place = {}
        self.set_power(False)
        self.set_power(True)  # logs records whatever state the node was in
        first = self.poll("selEntries", place)
        self.assertTrue(first, "the first run reports every record")
        for entry in first:
            self.assertEqual(set(entry), SEL_ENTRY_KEYS, entry)
        self.assertEqual(place["lastPreviouslyReadSelEntry"], first[-1]["SEL Record ID"])
        self.assertEqual(self.poll("selEntries", place), [], "nothing new since the last run")
        self.set_power(False)
        fresh = self.poll("selEntries", place)
        self.assertTrue(fresh, "a power off logs records")
        self.assertGreater(int(fresh[0]["SEL Record ID"], 16), int(first[-1]["SEL Record ID"], 16))
        self.assertEqual(fresh[-1]["Description"], "Power off/down")
        self.assertEqual((fresh[-1]["Sensor Type Code"], fresh[-1]["Event Type Code"]), ("09", "6f"))

    def test_sdr_gives_every_sensor_with_the_required_keys(self):
        self.set_power(True)
        data = self.poll("sdr")
        self.assertGreater(len(data), 5, data)
        for entry in data:
            for key in SDR_REQUIRED:
                self.assertTrue(entry.get(key), f"{key} empty in {entry}")
            self.assertIn(entry["sdrType"], ("Threshold", "Discrete"))
            self.assertIsInstance(entry["statesAsserted"], list)
        temperatures = [e for e in data if e["sensorType"] == "Temperature" and e["sdrType"] == "Threshold"]
        self.assertTrue(temperatures, "a threshold temperature sensor")
        self.assertEqual(temperatures[0]["sensorReadingUnits"], "degrees C")
        float(temperatures[0]["sensorReading"])
        again = self.poll("sdr")  # the SDR from the cache; readings may wobble
        self.assertEqual([e["sensorId"] for e in again], [e["sensorId"] for e in data])

    def test_drive_health_without_drive_sensors_is_empty(self):
        self.assertEqual(self.poll("driveHealth"), [])
