"""The virtual node: power state machine, boot flags, SEL events, identify, users, memory."""

import gc
import tracemalloc
import unittest

from rackharness.bmc.message import IpmiRequest, Privilege, SessionContext
from rackharness.rack.node import SOFT_OFF_DELAY, PowerState
from tests.support.virtual_node import Bmc, make_node


def sel_events(node):
    """(sensor type, offset) of every SEL record."""
    return [(r[10], r[13] & 0x0F) for r in node.sel.records()]


ACPI, POWER_UNIT, RESTART = 0x22, 0x09, 0x1D


class PowerTest(unittest.TestCase):
    def test_power_on_without_delay_is_immediate_and_logged(self):
        node, _ = make_node()
        self.assertTrue(node.power_on())
        self.assertIs(node.power_state, PowerState.ON)
        self.assertEqual(sel_events(node), [(ACPI, 0x00), (RESTART, 0x00)])

    def test_power_on_delay_goes_through_powering_on(self):
        node, clock = make_node(power_on_delay=5.0)
        node.power_on()
        self.assertIs(node.power_state, PowerState.POWERING_ON)
        self.assertFalse(node.is_on)
        clock.advance(4.9)
        self.assertIs(node.power_state, PowerState.POWERING_ON)
        clock.advance(0.2)
        self.assertIs(node.power_state, PowerState.ON)

    def test_power_off_cancels_a_pending_power_on(self):
        node, clock = make_node(power_on_delay=5.0)
        node.power_on()
        node.power_off()
        clock.advance(10)
        self.assertIs(node.power_state, PowerState.OFF)

    def test_power_off_logs_soft_off_and_power_down(self):
        node, _ = make_node(initial_power="on")
        node.power_off()
        self.assertIs(node.power_state, PowerState.OFF)
        self.assertEqual(sel_events(node), [(ACPI, 0x05), (POWER_UNIT, 0x00)])

    def test_power_on_fails_fault_accepts_but_stays_off(self):
        node, clock = make_node(fault="power-on-fails")
        self.assertTrue(node.power_on())
        clock.advance(60)
        self.assertIs(node.power_state, PowerState.OFF)
        self.assertTrue(node.power_control_fault)
        self.assertEqual(sel_events(node), [(POWER_UNIT, 0x05)])

    def test_cycle_is_refused_when_off_and_reboots_when_on(self):
        node, _ = make_node()
        self.assertFalse(node.power_cycle())
        node.power_on()
        self.assertTrue(node.power_cycle())
        self.assertTrue(node.is_on)
        self.assertEqual(node.boot_count, 2)
        self.assertIn((POWER_UNIT, 0x01), sel_events(node))

    def test_soft_off_powers_off_after_a_short_delay(self):
        node, clock = make_node(initial_power="on")
        node.soft_off()
        self.assertTrue(node.is_on)
        clock.advance(SOFT_OFF_DELAY + 0.1)
        self.assertIs(node.power_state, PowerState.OFF)

    def test_reset_reboots_a_running_node_only(self):
        node, _ = make_node()
        self.assertFalse(node.hard_reset())
        node.power_on()
        self.assertTrue(node.hard_reset())
        self.assertEqual(sel_events(node)[-1], (RESTART, 0x01))

    def test_diagnostic_interrupt_logs_an_nmi_when_on(self):
        node, _ = make_node(initial_power="on")
        node.diagnostic_interrupt()
        self.assertEqual(sel_events(node), [(0x13, 0x00)])

    def test_listeners_hear_boots_with_their_boot_device(self):
        node, _ = make_node()
        heard = []
        node.add_power_listener(lambda n, event: heard.append((event, n.last_boot_device)))
        node.add_power_listener(lambda n, event: 1 / 0)  # a broken listener is contained
        node.boot.set_device("pxe")
        node.power_on()
        node.hard_reset()
        node.power_off()
        self.assertEqual(heard, [("on", "pxe"), ("reset", "none"), ("off", "none")])

    def test_power_on_hours_accumulate_only_while_on(self):
        node, clock = make_node()
        clock.advance(7200)
        node.power_on()
        clock.advance(5400)
        node.power_off()
        clock.advance(3600)
        self.assertEqual(node.powered_on_seconds(), 5400)


class BootFlagsTest(unittest.TestCase):
    def test_next_boot_only_setting_is_cleared_by_the_boot(self):
        node, _ = make_node()
        node.boot.set_device("pxe")
        node.power_on()
        self.assertEqual(node.last_boot_device, "pxe")
        self.assertFalse(node.boot.valid)
        node.hard_reset()
        self.assertEqual(node.last_boot_device, "none")

    def test_persistent_setting_survives_boots(self):
        node, _ = make_node()
        node.boot.set_device("disk", persistent=True, efi=True)
        node.power_on()
        node.power_cycle()
        self.assertEqual(node.last_boot_device, "disk")
        self.assertTrue(node.boot.persistent and node.boot.efi)


class IdentifyAndUsersTest(unittest.TestCase):
    def test_identify_is_timed_or_forced(self):
        node, clock = make_node()
        self.assertEqual(node.identify_state(), 0)
        node.identify()
        self.assertEqual(node.identify_state(), 1)
        clock.advance(16)
        self.assertEqual(node.identify_state(), 0)
        node.identify(force=True)
        clock.advance(3600)
        self.assertEqual(node.identify_state(), 2)
        node.identify(0)
        self.assertEqual(node.identify_state(), 0)

    def test_users_come_from_the_bmc_spec(self):
        node, _ = make_node()
        admin = node.users.by_name("admin")
        self.assertEqual((admin.user_id, admin.privilege_limit), (2, Privilege.ADMINISTRATOR))
        self.assertEqual(node.users.by_name("viewer").privilege_limit, Privilege.USER)
        self.assertFalse(node.users.slot(1).enabled)


class MemoryTest(unittest.TestCase):
    def test_a_hundred_nodes_stay_far_below_a_megabyte_each(self):
        session = SessionContext("admin", Privilege.ADMINISTRATOR)
        Bmc()  # load profiles and build the shared SDR repository outside the measurement
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        bmcs = []
        for index in range(100):
            bmc = Bmc(index=index + 1, name=f"n{index}", serial=f"S{index}")
            bmc.node.power_on()
            bmc.node.power_cycle()
            for netfn, cmd, data in (
                (0x0A, 0x11, b"\x00\x00\x00\x40"),
                (0x0A, 0x23, b"\0\0\0\0\0\xff"),
                (0x04, 0x2D, b"\x01"),
                (0x0C, 0x02, b"\x01\x03\x00\x00"),
            ):
                bmc.handler.handle(IpmiRequest(netfn, cmd, data), session)
            bmcs.append(bmc)
        gc.collect()
        per_node = (tracemalloc.get_traced_memory()[0] - before) / len(bmcs)
        tracemalloc.stop()
        self.assertLess(per_node, 64 * 1024, f"{per_node:.0f} bytes per node")


if __name__ == "__main__":
    unittest.main()
