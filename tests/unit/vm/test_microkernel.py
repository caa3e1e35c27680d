"""The microkernel's build cache (no apt, no dpkg: inputs and builds are injected) and its two scripts, run on
this host with busybox sh: /init's task runner and conversation (against a local HTTP server), and ohai."""

import dataclasses
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

from rackharness.errors import PrerequisiteError, RackHarnessError
from rackharness.vm.microkernel import MicrokernelInputs, build_key, default_cache_root, ensure_microkernel, read_inputs
from rackharness.vm.microkernel_build import HOST_PACKAGES, INIT_SCRIPT, OHAI_SCRIPT, SUDO_SCRIPT

BUSYBOX = shutil.which("busybox")
VERSIONS = {package: "1.0-1" for package in HOST_PACKAGES}
KERNEL = ("linux-image-6.1.0-99-cloud-amd64", "6.1.999-1")


def inputs(versions=None, **changes) -> MicrokernelInputs:
    read = read_inputs(Path("/nonexistent"), versions=lambda names: dict(versions or VERSIONS), kernel=lambda: KERNEL)
    return dataclasses.replace(read, **changes)


class CacheKeyTest(unittest.TestCase):
    def test_the_same_inputs_give_the_same_key(self):
        self.assertEqual(build_key(inputs()), build_key(inputs()))
        self.assertEqual(len(build_key(inputs())), 64)

    def test_the_init_or_ohai_script_changes_the_key(self):
        base = inputs()
        self.assertNotEqual(build_key(base), build_key(dataclasses.replace(base, init_script=base.init_script + "#\n")))
        self.assertNotEqual(build_key(base), build_key(dataclasses.replace(base, ohai_script=base.ohai_script + "#\n")))

    def test_a_package_version_or_the_kernel_changes_the_key(self):
        base = build_key(inputs())
        self.assertNotEqual(base, build_key(inputs({**VERSIONS, "jq": "1.0-2"})))
        self.assertNotEqual(base, build_key(inputs(kernel_version="6.1.999-2")))
        self.assertNotEqual(base, build_key(inputs(kernel_package="linux-image-6.1.0-100-cloud-amd64")))

    def test_nothing_else_changes_the_key(self):
        base = build_key(inputs())
        self.assertEqual(base, build_key(inputs({**VERSIONS, "curl": "8.0"})))  # a package the build does not copy
        self.assertEqual(base, build_key(inputs(dict(reversed(list(VERSIONS.items()))))))

    def test_the_inputs_read_the_scripts_and_name_the_deb(self):
        read = inputs()
        self.assertEqual(read.init_script, INIT_SCRIPT.read_text())
        self.assertEqual(read.ohai_script, OHAI_SCRIPT.read_text())
        self.assertEqual(read.kernel_deb, "linux-image-6.1.0-99-cloud-amd64_6.1.999-1_amd64.deb")


class MissingPackagesTest(unittest.TestCase):
    def test_the_error_names_the_apt_command(self):
        versions = {k: v for k, v in VERSIONS.items() if k not in ("jq", "lshw")}
        with self.assertRaises(PrerequisiteError) as caught:
            read_inputs(Path("/nonexistent"), versions=lambda names: versions, kernel=lambda: KERNEL)
        self.assertIn("apt-get install -y jq lshw", str(caught.exception))
        self.assertIn("jq, lshw", caught.exception.message)
        self.assertIsInstance(caught.exception, RackHarnessError)
        self.assertEqual(caught.exception.exit_code, 2)


class CacheTest(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="mk-cache-"))
        self.addCleanup(shutil.rmtree, self.root)
        self.said = []

    def fake_build(self, inputs, out, work, downloads, say):
        say("microkernel: step 1/1: fake")
        out.mkdir(parents=True)
        (out / "vmlinuz").write_bytes(b"kernel")
        (out / "initrd").write_bytes(b"initrd")
        return {"modules": []}

    def test_a_build_fills_an_entry_named_by_the_key_and_then_hits(self):
        files = ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=self.fake_build)
        self.assertEqual(files.directory, self.root / build_key(inputs()))
        self.assertEqual(files.kernel.read_bytes(), b"kernel")
        self.assertEqual(files.vmlinuz, files.kernel)
        self.assertEqual(json.loads((files.directory / "manifest.json").read_text())["key"], files.key)
        self.assertIn("microkernel: step 1/1: fake", self.said)
        self.assertEqual([p.name for p in self.root.iterdir()], [files.key])  # no temporary directory left

        def must_not_build(*args):
            raise AssertionError("a cache hit built")

        again = ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=must_not_build)
        self.assertEqual(again, files)
        self.assertEqual(self.said[-1], f"microkernel: cached in {files.directory}")

    def test_a_failed_build_leaves_no_entry(self):
        def failing(inputs, out, work, downloads, say):
            out.mkdir(parents=True)
            (out / "vmlinuz").write_bytes(b"half")
            raise RackHarnessError("download failed")

        with self.assertRaises(RackHarnessError):
            ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=failing)
        self.assertEqual(list(self.root.iterdir()), [])

    def test_a_killed_builds_directory_is_removed_by_the_next_build(self):
        stale = self.root / ".build-999999999-abc"
        (stale / "out").mkdir(parents=True)
        ensure_microkernel(self.root, say=self.said.append, inputs=inputs(), build=self.fake_build)
        self.assertFalse(stale.exists())

    def test_the_default_root_is_outside_the_checkout(self):
        self.assertEqual(
            default_cache_root({"RACKHARNESS_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}), Path("/c/microkernel")
        )
        self.assertEqual(default_cache_root({"XDG_CACHE_HOME": "/x"}), Path("/x/rackharness/microkernel"))
        self.assertEqual(default_cache_root({}), Path.home() / ".cache/rackharness/microkernel")


@unittest.skipUnless(BUSYBOX, "needs busybox (busybox-static)")
class ScriptsTest(unittest.TestCase):
    def test_both_scripts_parse_with_busybox_sh(self):
        for script in (INIT_SCRIPT, OHAI_SCRIPT):
            result = subprocess.run([BUSYBOX, "sh", "-n", str(script)], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, f"{script.name}: {result.stderr}")
        self.assertEqual(subprocess.run([BUSYBOX, "sh", "-n", "-c", SUDO_SCRIPT]).returncode, 0)

    def test_ohai_describes_this_host(self):
        result = subprocess.run(
            [BUSYBOX, "sh", str(OHAI_SCRIPT), "--directory", "/etc/ohai/plugins"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        data = json.loads(result.stdout)
        interfaces = data["network"]["interfaces"]
        self.assertEqual(set(interfaces), set(os.listdir("/sys/class/net")))
        for name in interfaces:
            mac = Path(f"/sys/class/net/{name}/address").read_text().strip()
            if name != "lo" and mac:
                self.assertEqual(interfaces[name]["addresses"].get(mac.upper()), {"family": "lladdr"}, name)
        self.assertEqual(data["kernel"]["release"], os.uname().release)
        self.assertEqual(data["hostname"], os.uname().nodename)
        self.assertRegex(data["memory"]["total"], r"^[0-9]+kB$")
        processors = Path("/proc/cpuinfo").read_text().count("\nprocessor") + Path(
            "/proc/cpuinfo"
        ).read_text().startswith("processor")
        self.assertEqual(data["cpu"]["total"], processors)


#: the jq program microkernel_ohai.sh ran before it shaped its document with busybox awk: the reference
OHAI_JQ = r"""def lines: split("\n") | map(select(. != ""));
def orNull: if . == "" then null else . end;
def snake: ascii_downcase | gsub("[^a-z0-9]+"; "_") | gsub("^_+|_+$"; "");
def trim: sub("^\\s+"; "") | sub("\\s+$"; "");
# `grep -H` lines of sysfs files: [{dir: "<the path segment below $base>", file: "<the rest>", value}]
def sysfs($base): [lines[] | capture("^" + $base + "/(?<dir>[^/:]+)/(?<file>[^:]*):(?<value>.*)$")];
def netmask: . as $p | [range(4) | ([8, ($p - . * 8)] | min) as $b
    | if $b <= 0 then 0 else 256 - pow(2; 8 - $b) end | tostring] | join(".");
def scope: if . == "host" then "Node" elif . == null then null else (.[:1] | ascii_upcase) + .[1:] end;

def dmi:
    {"0": "bios", "1": "system", "2": "base_board", "3": "chassis", "4": "processor"} as $names
    | [$dmidecode | split("\n\n")[] | capture("Handle 0x[0-9A-Fa-f]+, DMI type (?<type>[0-9]+)") as $h
       | {type: $h.type, fields: ([split("\n")[] | capture("^\t(?<key>[^\t:][^:]*): (?<value>.*)$") | .key |= snake]
                                  | from_entries)}]
    | reduce .[] as $r ({}; ($names[$r.type]) as $n | if $n == null or has($n) then . else . + {($n): $r.fields} end)
    | if . != {} then . else
        {bios_vendor: ["bios", "vendor"], bios_version: ["bios", "version"], bios_date: ["bios", "release_date"],
         sys_vendor: ["system", "manufacturer"], product_name: ["system", "product_name"],
         product_version: ["system", "version"], product_serial: ["system", "serial_number"],
         product_uuid: ["system", "uuid"], product_sku: ["system", "sku_number"], product_family: ["system", "family"],
         board_vendor: ["base_board", "manufacturer"], board_name: ["base_board", "product_name"],
         board_version: ["base_board", "version"], board_serial: ["base_board", "serial_number"],
         board_asset_tag: ["base_board", "asset_tag"], chassis_vendor: ["chassis", "manufacturer"],
         chassis_version: ["chassis", "version"], chassis_serial: ["chassis", "serial_number"],
         chassis_asset_tag: ["chassis", "asset_tag"]} as $map
        | reduce ($dmi_sysfs | [lines[] | capture("^/sys/class/dmi/id/(?<file>[^/:]+):(?<value>.*)$")])[] as $f
            ({}; if $map[$f.file] then setpath($map[$f.file]; $f.value) else . end)
      end;

def cpu:
    [$cpuinfo | split("\n\n")[] | select(test("\\S"))
     | [split("\n")[] | capture("^(?<key>[^\t:]+?)\\s*:\\s?(?<value>.*)$")] | from_entries] as $procs
    | (reduce $procs[] as $p ({}; . + {($p.processor // "0"): ({vendor_id: $p.vendor_id, family: $p["cpu family"],
          model: $p.model, model_name: $p["model name"], stepping: $p.stepping, mhz: $p["cpu MHz"],
          cache_size: $p["cache size"], physical_id: $p["physical id"], core_id: $p["core id"], cores: $p["cpu cores"],
          flags: ($p.flags // "" | split(" ") | map(select(. != "")))} | with_entries(select(.value != null)))}))
    + {total: ($procs | length), real: ($procs | map(.["physical id"] // "0") | unique | length),
       cores: ($procs | map((.["physical id"] // "0") + ":" + (.["core id"] // .processor)) | unique | length)};

def memory:
    ($meminfo | [lines[] | capture("^(?<k>[^:]+):\\s*(?<v>[0-9]+)( (?<u>kB))?")]
     | map({key: .k, value: (.v + (.u // ""))}) | from_entries) as $m
    | {total: $m.MemTotal, free: $m.MemFree, available: $m.MemAvailable, buffers: $m.Buffers, cached: $m.Cached,
       active: $m.Active, inactive: $m.Inactive,
       swap: ({total: $m.SwapTotal, free: $m.SwapFree, cached: $m.SwapCached} | with_entries(select(.value != null)))}
    | with_entries(select(.value != null));

# `ip -j addr` objects, or the same shape from /sys/class/net (MAC, state, mtu; no addresses)
def links:
    if $links[0] != null then $links[0] else
      $net_sysfs | sysfs("/sys/class/net") | group_by(.dir)
      | map((map({key: .file, value: .value}) | from_entries) as $f
            | {ifname: .[0].dir, address: $f.address, operstate: (($f.operstate // "unknown") | ascii_upcase),
               mtu: ($f.mtu | tonumber? // null), flags: [], addr_info: [],
               link_type: (if $f.type == "772" then "loopback" elif $f.type == "1" then "ether" else "unknown" end)})
    end;

def network:
    {interfaces: (links | map({key: .ifname, value: ({
         encapsulation: (if .link_type == "ether" then "Ethernet" elif .link_type == "loopback" then "Loopback"
                         else .link_type end),
         state: ((.operstate // "unknown") | ascii_downcase), flags: (.flags // []), mtu: (.mtu | tostring),
         addresses: ((if .link_type == "ether" and (.address // "") != "" then {(.address | ascii_upcase): {family: "lladdr"}}
                      else {} end)
                     + ([.addr_info[]? | select(.family == "inet" or .family == "inet6") | {key: .local, value: ({
                           family, prefixlen: (.prefixlen | tostring), scope: (.scope | scope), broadcast}
                           + (if .family == "inet" then {netmask: (.prefixlen | netmask)} else {} end)
                           | with_entries(select(.value != null)))}] | from_entries))}
         + ([.ifname | capture("^(?<type>.*?)(?<number>[0-9]+)$")][0] // {}))}) | from_entries),
     default_interface: ($routes[0][0].dev // null), default_gateway: ($routes[0][0].gateway // null)};

def block:
    $block | sysfs("/sys/block") | map(select(.dir | test("^(loop|ram|zram)") | not)) | group_by(.dir)
    | map({key: .[0].dir, value: (map({key: (.file | sub("^(device|queue)/"; "")), value: (.value | trim)})
                                  | from_entries | with_entries(select(.value != "")))})
    | from_entries;

def os_release($key): [$os_release | lines[] | capture("^" + $key + "=\"?(?<v>[^\"]*)\"?$").v][0] // "";

network as $network
| ($network.interfaces[$network.default_interface // ""].addresses // {} | to_entries) as $addresses
| {hostname: $hostname, fqdn: $hostname, domain: null, os: ($name | ascii_downcase), os_version: $release,
   platform: (os_release("ID") | orNull), platform_version: (os_release("VERSION_ID") | orNull),
   platform_family: (os_release("ID_LIKE") | split(" ")[0]? // "" | orNull),
   ipaddress: ([$addresses[] | select(.value.family == "inet") | .key][0]),
   macaddress: ([$addresses[] | select(.value.family == "lladdr") | .key][0]),
   kernel: {name: $name, release: $release, version: $version, machine: $machine, os: ($os | orNull)},
   dmi: dmi, cpu: cpu, memory: memory, network: $network, block_device: block, ohai_time: $time}"""


def ohai_by_jq(raw: Path, document: dict) -> str:
    """OHAI_JQ on the files in ``raw``, the document's pass-through values (hostname, uname, time) as its own."""
    kernel = document["kernel"]
    argv = [
        "jq",
        "-n",
        "--arg",
        "hostname",
        document["hostname"],
        "--arg",
        "name",
        kernel["name"],
        "--arg",
        "release",
        kernel["release"],
        "--arg",
        "version",
        kernel["version"],
        "--arg",
        "machine",
        kernel["machine"],
        "--arg",
        "os",
        kernel["os"] or "",
        "--argjson",
        "time",
        str(document["ohai_time"]),
    ]
    for name in ("dmidecode", "dmi_sysfs", "net_sysfs", "block", "os_release", "cpuinfo", "meminfo"):
        argv += ["--rawfile", name, str(raw / name)]
    for name in ("links", "routes"):
        argv += ["--slurpfile", name, str(raw / name)]
    result = subprocess.run(argv + [OHAI_JQ], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


# ohai's raw inputs, odd on purpose: repeated keys and records, keys to snake_case, quotes, non-ASCII, fallbacks
OHAI_DMIDECODE = """# dmidecode 3.4
Getting SMBIOS data from sysfs.
SMBIOS 2.8 present.

Handle 0x0000, DMI type 0, 24 bytes
BIOS Information
\tVendor: SeaBIOS
\tVersion: 1.16.2-debian-1.16.2-1
\tRelease Date: 04/01/2014
\tCharacteristics:
\t\tBIOS characteristics not supported
\tBIOS Revision: 0.0


Handle 0x0100, DMI type 1, 27 bytes
System Information
\tManufacturer: QEMU "quoted" \\ back
\tProduct Name: Standard PC (i440FX + PIIX, 1996)
\tUUID: 12345678-1234:5678
\tSKU Number: Not Specified
\tWake-up Type: Power Switch
\tFamily:  
\tOdd:Key: x
\tCaf\u00e9 Key (x): caf\u00e9
\tVersion: first
\tVersion: second

Handle 0x0300, DMI type 3, 22 bytes
Chassis Information
\tManufacturer: QEMU
\tType: Other

Handle 0x0400, DMI type 4, 42 bytes
Processor Information
\tSocket Designation: CPU 0
\tFlags:
\t\tFPU (Floating-point unit on-chip)

Handle 0x0401, DMI type 4, 42 bytes
Processor Information
\tSocket Designation: CPU 1

Handle 0x7F00, DMI type 127, 4 bytes
End Of Table
"""
OHAI_DMI_SYSFS = """/sys/class/dmi/id/bios_date:04/01/2014
/sys/class/dmi/id/bios_vendor:SeaBIOS
/sys/class/dmi/id/bios_version:1.16
/sys/class/dmi/id/board_vendor:Board "Co"
/sys/class/dmi/id/chassis_type:1
/sys/class/dmi/id/modalias:dmi:bvnSeaBIOS:bvr1.16
/sys/class/dmi/id/product_name:Standard PC
/sys/class/dmi/id/product_name:second line
/sys/class/dmi/id/sys_vendor:QEMU
/sys/class/dmi/id/uevent:MODALIAS=dmi:x
"""
OHAI_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Intel(R) Xeon(R) "Gold"
stepping\t: 7
cpu MHz\t\t: 2100.000
cache size\t: 16384 KB
physical id\t: 0
core id\t\t: 0
cpu cores\t: 2
flags\t\t: fpu  vme de\tpse
power management:
weird key  : two spaces
 : space key
\ttab: no
:nokey

processor\t: 1
vendor_id\t: GenuineIntel
physical id\t: 0
core id\t\t: 1
flags\t\t: fpu

processor\t: 2
physical id\t: 1
flags\t\t:

   \t 

processor\t: 1
vendor_id\t: Duplicate
flags\t\t: sse
"""
OHAI_MEMINFO = """MemTotal:        2013456 kB
MemFree:         1000000 kB
MemAvailable:    1500000 kB
Buffers:           12345 kB
Cached:           234567 kB
SwapCached:            0 kB
Active:            11111 kB
Inactive:          22222 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
SwapTotal:             0 kB
Weird: x 12 kB
MemTotal:              1 kB
"""
OHAI_LINKS = [
    {
        "ifindex": 1,
        "ifname": "lo",
        "flags": ["LOOPBACK", "UP", "LOWER_UP"],
        "mtu": 65536,
        "operstate": "UNKNOWN",
        "link_type": "loopback",
        "address": "00:00:00:00:00:00",
        "addr_info": [
            {"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host", "label": "lo"},
            {"family": "inet6", "local": "::1", "prefixlen": 128, "scope": "host"},
        ],
    },
    {
        "ifindex": 2,
        "ifname": "eth0",
        "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
        "mtu": 1500,
        "operstate": "UP",
        "link_type": "ether",
        "address": "52:54:00:12:34:56",
        "addr_info": [
            {"family": "inet", "local": "10.0.2.15", "prefixlen": 20, "broadcast": "10.0.15.255", "scope": "global"},
            {"family": "inet", "local": "10.0.3.1", "prefixlen": 32, "scope": "global"},
            {"family": "inet6", "local": "fe80::5054:ff:fe12:3456", "prefixlen": 64, "scope": "link"},
            {},
            {},
        ],
    },
    {
        "ifindex": 3,
        "ifname": "eth0.10",
        "link": "eth0",
        "flags": [],
        "mtu": 1500,
        "operstate": "LOWERLAYERDOWN",
        "link_type": "ether",
        "address": "",
        "addr_info": [{"family": "inet", "local": "192.168.9.2", "prefixlen": 0}],
    },
    {
        "ifindex": 4,
        "ifname": "enp0s31f6",
        "mtu": 9000,
        "link_type": "ether",
        "address": "aa:bb:cc:dd:ee:ff",
        "addr_info": [
            {"family": "inet6", "local": "2001:db8::1", "prefixlen": 64, "scope": "global"},
            {"family": "inet6", "local": "2001:db8::1", "prefixlen": 48, "scope": "global"},
        ],
    },
    {
        "ifindex": 5,
        "ifname": "tun\u00e9",
        "flags": ["POINTOPOINT"],
        "mtu": 1400,
        "operstate": "UNKNOWN",
        "link_type": "none",
        "addr_info": [{"family": "inet", "local": "10.8.0.1", "prefixlen": 24, "address": "10.8.0.2"}],
    },
    {"ifindex": 6, "ifname": "123", "mtu": 1500, "operstate": "DOWN", "addr_info": []},
]
OHAI_ROUTES = [{"dst": "default", "gateway": "10.0.2.2", "dev": "eth0", "flags": []}]
OHAI_NET_SYSFS = """/sys/class/net/eth1/address:52:54:00:00:00:01
/sys/class/net/eth10/address:52:54:00:00:00:10
/sys/class/net/lo/address:00:00:00:00:00:00
/sys/class/net/eth1/operstate:up
/sys/class/net/eth10/operstate:down
/sys/class/net/lo/operstate:unknown
/sys/class/net/eth1/mtu:1500
/sys/class/net/lo/mtu:65536
/sys/class/net/eth10/mtu:abc
/sys/class/net/eth1/type:1
/sys/class/net/eth10/type:1
/sys/class/net/lo/type:772
/sys/class/net/sit0/type:776
"""
OHAI_BLOCK = """/sys/block/loop0/size:0
/sys/block/sda/size:41943040
/sys/block/vda/size:  536870912 
/sys/block/zram0/size:0
/sys/block/sda/removable:0
/sys/block/vda/removable:0
/sys/block/sda/queue/rotational:1
/sys/block/vda/queue/rotational:1
/sys/block/sda/device/model:QEMU HARDDISK   
/sys/block/sda/device/vendor:ATA     
/sys/block/sda/device/state:running
/sys/block/sda/device/state:
/sys/block/sr0/device/model:
"""
OHAI_OS_RELEASE = """NAME="rackharness microkernel"
ID=rackharness-microkernel
ID_LIKE="rhel fedora"
VERSION_ID="1"
ID=second
"""


def ohai_inputs(**changes: str) -> dict[str, str]:
    return {
        "dmidecode": OHAI_DMIDECODE,
        "dmi_sysfs": OHAI_DMI_SYSFS,
        "cpuinfo": OHAI_CPUINFO,
        "meminfo": OHAI_MEMINFO,
        "links": json.dumps(OHAI_LINKS) + "\n",
        "routes": json.dumps(OHAI_ROUTES) + "\n",
        "net_sysfs": OHAI_NET_SYSFS,
        "block": OHAI_BLOCK,
        "os_release": OHAI_OS_RELEASE,
        **changes,
    }


@unittest.skipUnless(BUSYBOX and shutil.which("jq"), "needs busybox (busybox-static) and jq (the reference)")
class OhaiAsJqTest(unittest.TestCase):
    """The awk-shaped document is byte for byte what the jq program made of the same inputs."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mk-ohai-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def ohai(self, raw: Path, gather: bool) -> subprocess.CompletedProcess:
        env = {**os.environ, "OHAI_RAW": str(raw), "OHAI_GATHER": "1" if gather else "0"}
        return subprocess.run([BUSYBOX, "sh", str(OHAI_SCRIPT)], capture_output=True, text=True, timeout=30, env=env)

    def test_this_hosts_inputs(self):
        result = self.ohai(self.tmp, gather=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue((self.tmp / "cpuinfo").stat().st_size > 0)
        self.assertEqual(result.stdout, ohai_by_jq(self.tmp, json.loads(result.stdout)))

    def test_odd_inputs_and_every_fallback(self):
        empty = {name: "" for name in ohai_inputs()}
        duplicate = OHAI_LINKS + [
            {
                "ifindex": 7,
                "ifname": "eth0",
                "link_type": "ether",
                "address": "de:ad:be:ef:00:01",
                "addr_info": [{"family": "inet", "local": "172.16.0.5", "prefixlen": 16}],
            }
        ]
        cases = {
            "full": ohai_inputs(),
            "fallbacks": ohai_inputs(
                dmidecode="# dmidecode 3.4\n# No SMBIOS nor DMI entry point found, sorry.\n",
                links="",
                routes="",
                os_release="ID=debian\nVERSION_ID=12\n",
            ),
            "empty": empty,
            "no_links": ohai_inputs(links="[]\n", routes="[]\n", os_release='ID_LIKE=" debian"\nID=""\n'),
            "a_repeated_link": ohai_inputs(links=json.dumps(duplicate)),
        }
        for name, files in cases.items():
            with self.subTest(name):
                raw = self.tmp / name
                raw.mkdir()
                for file, text in files.items():
                    (raw / file).write_text(text)
                result = self.ohai(raw, gather=False)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout, ohai_by_jq(raw, json.loads(result.stdout)))
        full = json.loads(self.ohai(self.tmp / "full", gather=False).stdout)
        self.assertEqual(full["dmi"]["system"]["manufacturer"], 'QEMU "quoted" \\ back')
        self.assertEqual(full["network"]["interfaces"]["eth0"]["addresses"]["10.0.2.15"]["netmask"], "255.255.240.0")
        self.assertEqual((full["ipaddress"], full["cpu"]["real"]), ("10.0.2.15", 2))


def run_init(commands: str, env: dict[str, str], timeout: float = 30, text: bool = True) -> subprocess.CompletedProcess:
    """``commands`` after sourcing /init's functions (MK_LIB=1), under busybox sh."""
    return subprocess.run(
        [BUSYBOX, "sh", "-c", f'MK_LIB=1 . "$0"\n{commands}', str(INIT_SCRIPT)],
        capture_output=True,
        text=text,
        timeout=timeout,
        env={**os.environ, **env},
    )


def loads_bytes(data: bytes):
    """JSON from bytes that may hold any byte >= 0x80 (kept as such by the runner): surrogateescape'd."""
    return json.loads(data.decode("utf-8", "surrogateescape"))


#: odd text for commands and outputs: JSON's escapes, quotes for the shell, UTF-8 of 2, 3 and 4 bytes
ODD = [
    '"',
    "\\",
    "/",
    "'",
    "\n",
    "\t",
    "\r",
    "\b",
    "\f",
    "\x01",
    "\x1c",
    "\x7f",
    "é",
    "\u2028",
    "€",
    "😀",
    "$(x)",
    "`",
    "%s",
    "&",
    " ",
    "a",
    "\\u0041",
    "'\\''",
]


@unittest.skipUnless(BUSYBOX, "needs busybox (busybox-static)")
class TaskRunnerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mk-runner-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        (self.tmp / "bin").mkdir()
        (self.tmp / "bin" / "sudo").write_text(SUDO_SCRIPT)
        (self.tmp / "bin" / "sudo").chmod(0o755)
        self.env = {
            "MK_WORK": str(self.tmp / "work"),
            "MK_STATE": str(self.tmp / "state"),
            "PATH": f"{self.tmp / 'bin'}:{os.environ['PATH']}",
        }

    def run_document(self, document) -> tuple[subprocess.CompletedProcess, object]:
        path = self.tmp / "doc.json"
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        result = run_init(f'mk_run_document "{path}"; echo "rc=$? exit=$MK_EXIT"', self.env)
        try:
            return result, json.loads(path.read_text())
        except ValueError:
            return result, None

    def test_results_stop_at_the_first_failure_not_accepted(self):
        odd = "printf 'a\"b\\\\c\\n\\ttab $(x) é'; echo 'to stderr' >&2; exit 3"
        document = {
            "identifier": "n1",
            "tasks": [
                {"cmd": "echo out; echo err >&2"},
                "not an object",
                {"cmd": odd, "acceptedResponseCodes": [1, 3]},
                {"cmd": "cd /; exit 4", "acceptedResponseCodes": [1]},
                {"cmd": "echo never"},
            ],
            "exit": {"code": 0},
        }
        result, doc = self.run_document(document)
        self.assertIn('rc=0 exit={"code":0}', result.stdout)
        first, junk, accepted, failed, skipped = doc["tasks"]
        self.assertEqual((first["stdout"], first["stderr"], first["error"]), ("out\n", "err\n", None))
        self.assertEqual(junk, "not an object")
        self.assertEqual(accepted["stdout"], 'a"b\\c\n\ttab $(x) é')
        self.assertEqual(accepted["stderr"], "to stderr\n")
        self.assertEqual(accepted["error"], {"code": 3, "killed": False, "signal": None, "cmd": odd})
        self.assertEqual(failed["error"]["code"], 4)
        self.assertEqual(skipped, {"cmd": "echo never"})
        self.assertEqual(doc["identifier"], "n1")

    def test_the_console_shows_programs_never_arguments(self):
        result, doc = self.run_document({"tasks": [{"cmd": "sudo true -P s3cret"}, {"cmd": "PASS=s3cret true"}]})
        self.assertNotIn("s3cret", result.stdout + result.stderr)
        self.assertIn("task 0: true", result.stdout)
        self.assertIn("task 1: PASS=***", result.stdout)
        self.assertIsNone(doc["tasks"][1]["error"])

    def test_sudo_and_a_bare_ip_reach_iproute2_not_the_busybox_applet(self):
        if not shutil.which("ip", path="/usr/sbin:/usr/bin:/sbin:/bin"):
            self.skipTest("iproute2 is not installed")
        result, doc = self.run_document({"tasks": [{"cmd": "sudo ip -V; ip -V"}]})
        self.assertEqual(doc["tasks"][0]["stdout"].count("iproute2"), 2, doc["tasks"][0])

    def test_anything_but_a_task_document_runs_nothing(self):
        for answer in ("", "{}", '{"tasks": {}}', "[]", "not json"):
            with self.subTest(answer=answer):
                result, _ = self.run_document(answer)
                self.assertIn("rc=1", result.stdout)

    def test_not_a_task_document_runs_nothing_and_leaves_the_document(self):
        answers = [
            '"string"',
            "42",
            "null",
            "true",
            '{"tasks": [], "x": }',
            '{"tasks": [{"cmd": "touch ran"}]} trailing',
            '{"tasks": [{"cmd": "touch ran"}]',
            '{"tasks": [{"cmd": "touch ran"}], "tasks": {}}',
            '{"tasks": [{"cmd": "touch ran\\ud800"}]}',
            '{"tasks": [{"cmd": "touch\\x ran"}]}',
            '{"tasks": [{"cmd": "touch ran", }]}',
            "{'tasks': []}",
            '{"tasks": [{"cmd": "touch\tran"}]}',
            '{"tasks": [{"cmd": "touch ran\0"}]}',
        ]
        for answer in answers:
            with self.subTest(answer=answer):
                result, _ = self.run_document(answer)
                self.assertIn("rc=1", result.stdout, result.stderr)
                self.assertEqual((self.tmp / "doc.json").read_text(), answer)
                self.assertFalse((self.tmp / "work" / "ran").exists())

    def test_commands_are_decoded_from_every_json_escape(self):
        cmd = "printf '%s|' \"q\\\"q\" 'b\\\\s' 'n\nl' 'tab\tx' é € 😀 \"it's\" '/'"
        text = '{"tasks": [{"cmd": %s, "downloadUrl": null}, {"cmd": %s, "acceptedResponseCodes": [0]}]}' % (
            json.dumps(cmd).replace("/", "\\/"),
            json.dumps(cmd + "; exit 5", ensure_ascii=False),
        )
        self.assertIn("\\u00e9", text)
        self.assertIn("\\ud83d\\ude00", text)
        result, doc = self.run_document(text)
        self.assertIn("rc=0", result.stdout, result.stderr)
        expected = "q\"q|b\\\\s|n\nl|tab\tx|é|€|😀|it's|/|"
        self.assertEqual(doc["tasks"][0]["stdout"], expected)
        self.assertEqual(doc["tasks"][0]["error"], None)
        self.assertEqual(doc["tasks"][0]["downloadUrl"], None)
        self.assertEqual(doc["tasks"][1]["stdout"], expected)
        self.assertEqual(
            doc["tasks"][1]["error"], {"code": 5, "killed": False, "signal": None, "cmd": cmd + "; exit 5"}
        )

    def test_the_plan_quotes_any_text_for_the_shell(self):
        """Plan only: every cmd and downloadUrl back, byte for byte, from the shell that sources the plan."""
        import random

        rng = random.Random(7)
        tasks = []
        for i in range(60):
            task = {"cmd": "".join(rng.choice(ODD) for _ in range(rng.randint(0, 12)))}
            if i % 3 == 0:
                task["downloadUrl"] = "".join(rng.choice(ODD) for _ in range(rng.randint(1, 6)))
            if i % 4 == 0:
                task["acceptedResponseCodes"] = rng.choice([[1], [1, 3.0, "4", None, [5]], [], "1", {"a": 1}, [2, 1e1]])
            tasks.append(task)
        tasks += [{"cmd": None}, {"cmd": False}, {"cmd": 12}, {"cmd": {"a": [1, " x "]}}, {}, "text", 7, None, []]
        path = self.tmp / "doc.json"
        for ensure_ascii, indent in ((True, None), (False, 2)):
            with self.subTest(ensure_ascii=ensure_ascii, indent=indent):
                path.write_text(json.dumps({"tasks": tasks, "exit": None}, ensure_ascii=ensure_ascii, indent=indent))
                result = run_init(
                    f'mkdir -p "$MK_STATE"; mk_json plan "{path}" >"$MK_STATE/plan" || echo FAILED\n'
                    "mk_say() { :; }; mk_task() { printf '%s\\037' \"$@\"; printf '\\036'; }\n"
                    '. "$MK_STATE/plan"; printf "exit=%s" "$MK_EXIT"',
                    self.env,
                    text=False,
                )
                self.assertEqual(result.returncode, 0, result.stderr)
                *plans, tail = result.stdout.decode().split("\x1e")
                self.assertEqual(tail, "exit=")
                seen = {}
                for plan in plans:
                    index, cmd, url, codes, _ = plan.split("\x1f")
                    seen[int(index)] = (cmd, url, codes)
                expected = {}
                for index, task in enumerate(tasks):
                    if not isinstance(task, dict):
                        continue
                    cmd = task.get("cmd") or ""
                    codes = task.get("acceptedResponseCodes")
                    expected[index] = (
                        cmd if isinstance(cmd, str) else json.dumps(cmd, separators=(",", ":")),
                        task.get("downloadUrl") or "",
                        " ".join(str(int(c)) for c in codes if isinstance(c, (int, float)))
                        if isinstance(codes, list)
                        else "",
                    )
                self.assertEqual(seen, expected)

    def test_accepted_response_codes_are_numbers(self):
        result, doc = self.run_document(
            {
                "tasks": [
                    {"cmd": "exit 2", "acceptedResponseCodes": [2.0]},
                    {"cmd": "exit 3", "acceptedResponseCodes": [1e1, 3]},
                    {"cmd": "exit 4", "acceptedResponseCodes": ["4"]},
                    {"cmd": "echo never"},
                ]
            }
        )
        self.assertIn("rc=0", result.stdout)
        self.assertEqual([t.get("error", {}) and t["error"]["code"] for t in doc["tasks"][:3]], [2, 3, 4])
        self.assertEqual(doc["tasks"][3], {"cmd": "echo never"})

    def test_tasks_that_did_not_run_are_copied_byte_for_byte(self):
        skipped = (
            '{ "cmd" : "echo never",\n  "source": "s\\u00e9", "format":"json",'
            ' "catalog": {"a": [1, 2.50, null]}, "stdout": "old" }'
        )
        text = (
            '{"identifier": "n\\/1", "tasks": [ {"cmd": "exit 1", "source": "a", "stdout": "stale", "error": 9,'
            ' "stderr": "x", "catalog": {"source": "c", "format": "xml"}} , %s ], "exit": null, "extra": 1.0}\n'
            % skipped
        )
        result, doc = self.run_document(text)
        self.assertIn("rc=0 exit=", result.stdout)
        raw = (self.tmp / "doc.json").read_text()
        self.assertIn(skipped, raw)
        self.assertTrue(raw.startswith('{"identifier": "n\\/1", "tasks": [ {"cmd": "exit 1",'), raw)
        self.assertTrue(raw.endswith(' ], "exit": null, "extra": 1.0}\n'), raw)
        self.assertEqual(raw.count('"stdout"'), 2, raw)  # the task that ran has one: the stale one was dropped
        self.assertEqual(raw.count('"error"'), 1, raw)
        ran, never = doc["tasks"]
        self.assertEqual(
            ran,
            {
                "cmd": "exit 1",
                "source": "a",
                "catalog": {"source": "c", "format": "xml"},
                "stdout": "",
                "stderr": "",
                "error": {"code": 1, "killed": False, "signal": None, "cmd": "exit 1"},
            },
        )
        self.assertEqual(never, json.loads(skipped))

    def test_outputs_keep_every_byte(self):
        """Control characters, NULs (also a final one), bytes >= 0x80 (valid UTF-8 or not), no final newline."""
        outputs = {
            "controls": b'\x01\x02\x1b[0m\r\x08\x0c\t\\"\x7f\x00mid\x00\x00end\n\n',
            "utf8": "é € 😀 \u2028 ascii\n".encode(),
            "bytes": bytes(range(256)) + b"\xff\xfe",
            "final_nul": b"a\x00",
            "no_newline": b"no newline",
            "empty": b"",
            "newlines": b"\n\n",
            "long_line": b'x"\\\t' * 3000 + b"\x01end",
        }
        state = self.tmp / "state"
        state.mkdir()
        tasks = []
        for index, (name, data) in enumerate(outputs.items()):
            (state / f"task.{index}.stdout").write_bytes(data)
            (state / f"task.{index}.stderr").write_bytes(data[::-1])
            (state / f"task.{index}.code").write_text(f"{index}\n")
            tasks.append({"cmd": name})
        path = self.tmp / "doc.json"
        path.write_text(json.dumps({"tasks": tasks}))
        done = " ".join(str(i) for i in range(len(outputs)))
        result = run_init(f'MK_DONE="{done}"; mk_merge "{path}" && echo merged', self.env)
        self.assertIn("merged", result.stdout, result.stderr)
        raw = path.read_bytes()
        self.assertNotRegex(raw, rb"[\x00-\x1f]")
        doc = loads_bytes(raw)
        for index, (name, data) in enumerate(outputs.items()):
            with self.subTest(name):
                task = doc["tasks"][index]
                self.assertEqual(task["stdout"], data.decode("utf-8", "surrogateescape"))
                self.assertEqual(task["stderr"], data[::-1].decode("utf-8", "surrogateescape"))
                self.assertEqual(
                    task["error"], None if index == 0 else {"code": index, "killed": False, "signal": None, "cmd": name}
                )

    def test_stdout_from_a_real_command_with_odd_bytes(self):
        result, doc = self.run_document(
            {
                "tasks": [
                    {
                        "cmd": "printf 'caf\\303\\251 \\001\\033[1m bold \\177 nul\\000 \\377raw\\r\\n'; printf 'oops\\t' >&2"
                    }
                ]
            }
        )
        self.assertIn("rc=0", result.stdout)
        raw = (self.tmp / "doc.json").read_bytes()
        task = loads_bytes(raw)["tasks"][0]
        self.assertEqual(
            task["stdout"], b"caf\xc3\xa9 \x01\x1b[1m bold \x7f nul\x00 \xffraw\r\n".decode("utf-8", "surrogateescape")
        )
        self.assertEqual(task["stderr"], "oops\t")

    def test_exit_can_be_any_json_value(self):
        cases = [
            ({"code": 0, "why": 'it\'s "done"'}, '{"code":0,"why":"it\'s \\"done\\""}'),
            ([1, {"a": None}], '[1,{"a":null}]'),
            ("now", '"now"'),
            (False, "false"),
            (0, "0"),
            (None, ""),
        ]
        for value, shown in cases:
            with self.subTest(exit=value):
                result, doc = self.run_document({"tasks": [{"cmd": "true"}], "exit": value})
                self.assertIn(f"rc=0 exit={shown}\n", result.stdout)
                self.assertEqual(doc["exit"], value)

    def test_a_huge_stdout(self):
        started = time.monotonic()
        result, doc = self.run_document(
            {
                "tasks": [
                    {
                        "cmd": "i=0; while [ $i -lt 6000 ]; do printf 'line %d: \"q\" \\\\ tab\\t caf\\303\\251\\n' $i; "
                        "i=$((i+1)); done; printf '%050000d' 0 | tr 0 '\"'"
                    }
                ]
            }
        )
        self.assertIn("rc=0", result.stdout, result.stderr)
        stdout = doc["tasks"][0]["stdout"]
        lines = "".join(f'line {i}: "q" \\ tab\t café\n' for i in range(6000))
        self.assertEqual(stdout, lines + '"' * 50000)
        self.assertGreater(len(stdout.encode()), 200_000)
        self.assertLess(time.monotonic() - started, 20)

    def test_kernel_command_line_and_bootstrap_js(self):
        js = self.tmp / "bootstrap.js"
        cases = {
            "  tasksPath = '/api/current/tasks/5a1b',\n": "/api/current/tasks/5a1b",
            'var tasksPath="http://10.1.0.1:9080/api/current/tasks/abc";': "/api/current/tasks/abc",
            "var path = '/api/current/tasks/x';": "",
        }
        for text, expected in cases.items():
            js.write_text("// runner\n" + text)
            self.assertEqual(run_init(f'mk_tasks_path "{js}"', self.env).stdout.strip(), expected, text)
        macs = {
            "01-52-54-00-AB-34-56": "52:54:00:ab:34:56",
            "01-52:54:00:12:34:56": "52:54:00:12:34:56",
            "01:52:54:00:12:34:56": "52:54:00:12:34:56",
            "52-54-00-12-34-56": "52:54:00:12:34:56",
            "junk": "",
        }
        for bootif, expected in macs.items():
            self.assertEqual(run_init(f'mk_bootif_mac "{bootif}"', self.env).stdout.strip(), expected, bootif)
        line = "console=ttyS0 API_CB=10.0.2.2:9090 BOOTIF=01-aa-bb-cc-dd-ee-ff *"
        self.assertEqual(
            run_init(
                f'mk_cmdline_value API_CB "{line}"; mk_cmdline_value BOOTIF "{line}"; '
                f'mk_cmdline_value NONE "{line}" || echo absent',
                self.env,
            ).stdout.split(),
            ["10.0.2.2:9090", "01-aa-bb-cc-dd-ee-ff", "absent"],
        )


class _Southbound(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, documents):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.documents = list(documents)
        self.requests, self.posts = [], []


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path.startswith("/api/current/tasks/bootstrap.js"):
            self._answer(200, "var tasksPath = '/api/current/tasks/n9';\n")
        elif self.path == "/api/current/tasks/n9" and len(self.server.requests) > 2 and self.server.documents:
            self._answer(200, json.dumps(self.server.documents.pop(0)))
        elif self.path.startswith("/files/"):
            self._answer(200, "echo downloaded $1\n")
        else:
            self._answer(404, "")  # the first task fetch: no task yet

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self._answer(200, "{}")


@unittest.skipUnless(BUSYBOX, "needs busybox (busybox-static)")
class ConversationTest(unittest.TestCase):
    """bootstrap.js, a 404 (no task yet), two documents, POSTs with busybox wget, then the reboot."""

    def test_the_runner_speaks_the_bootstrap_protocol(self):
        tmp = Path(tempfile.mkdtemp(prefix="mk-talk-"))
        self.addCleanup(shutil.rmtree, tmp)
        documents = [
            {"identifier": "n9", "tasks": [{"cmd": "sh hello.sh one", "downloadUrl": "/files/hello.sh?n=9"}]},
            {
                "identifier": "n9",
                "tasks": [
                    {"cmd": "sh script.sh", "downloadUrl": "PORT/files/script.sh"},
                    {"cmd": "sh missing.sh", "downloadUrl": "/nothing/missing.sh"},
                ],
                "exit": {"code": 0},
            },
        ]
        server = _Southbound(documents)
        port = server.server_address[1]
        documents[1]["tasks"][0]["downloadUrl"] = f"http://127.0.0.1:{port}/files/script.sh"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        env = {
            "MK_WORK": str(tmp / "work"),
            "MK_STATE": str(tmp / "state"),
            "MK_POLL": "0.1",
            "API_CB": f"127.0.0.1:{port}",
            "MAC": "52:54:00:12:34:56",
        }
        result = run_init(
            'mkdir -p "$MK_STATE"; mk_reboot() { echo REBOOTED; exit 0; }\nmk_bootstrap && mk_task_loop', env
        )
        self.assertIn("REBOOTED", result.stdout, result.stdout + result.stderr)
        self.assertEqual(server.requests[0], "/api/current/tasks/bootstrap.js?macAddress=52:54:00:12:34:56")
        self.assertEqual(len(server.posts), 2)
        (path, kind, first), (_, _, second) = server.posts
        self.assertEqual((path, kind), ("/api/current/tasks/n9", "application/json"))
        self.assertEqual(first["tasks"][0]["stdout"], "downloaded one\n")
        self.assertEqual(second["tasks"][0]["stdout"], "downloaded\n")
        self.assertEqual(second["tasks"][1]["error"]["code"], 1)
        self.assertIn("download of /nothing/missing.sh failed", second["tasks"][1]["stderr"])
        self.assertIn("rackharness-mk:", result.stdout)


class InstallTest(unittest.TestCase):
    """The files under the names RackHD's bootstrap tasks ask for (the target's static root, or a RackHD's)."""

    def test_copies_or_links_the_kernel_and_initrd_under_rackhds_names(self):
        from rackharness.vm.microkernel import MicrokernelFiles, install

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "build").mkdir()
            (root / "build" / "vmlinuz").write_bytes(b"k")
            (root / "build" / "initrd").write_bytes(b"i")
            files = MicrokernelFiles(root / "build" / "vmlinuz", root / "build" / "initrd", "key")
            (root / "copies").mkdir()
            written = install(files, root / "copies")
            self.assertEqual(
                sorted(p.name for p in written), ["initrd", "initrd-1.2.0-rancher", "vmlinuz", "vmlinuz-1.2.0-rancher"]
            )
            self.assertEqual((root / "copies" / "initrd-1.2.0-rancher").read_bytes(), b"i")
            self.assertFalse((root / "copies" / "vmlinuz").is_symlink())
            (root / "links").mkdir()
            install(files, root / "links", link=True)
            install(files, root / "links", link=True)  # again: replaces, does not fail
            self.assertEqual((root / "links" / "vmlinuz-1.2.0-rancher").resolve(), root / "build" / "vmlinuz")
