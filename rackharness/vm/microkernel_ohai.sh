#!/bin/sh
# ohai for the rackharness microkernel: an ohai-shaped JSON document of the machine it runs on, on stdout.
#
# RackHD's catalog-ohai task runs `sudo ohai --directory /etc/ohai/plugins`; the reference target stores the
# JSON as the node's ohai catalog (its Redfish ComputerSystem reads dmi.system, dmi.bios, dmi.chassis,
# dmi.processor and cpu.real). Only what the machine really has: hostname, kernel (uname), dmi (the first
# record of DMI types 0-4 from dmidecode, keys snake_cased as ohai does; else /sys/class/dmi/id), cpu
# (/proc/cpuinfo), memory (/proc/meminfo, "NNNkB" as ohai writes it), network (`ip -j addr`, else
# /sys/class/net: MACs upper-case as {"family": "lladdr"}, IPv4 as inet, IPv6 as inet6) and block devices
# (/sys/block). The shell gathers, one jq run shapes: jq starts slowly under TCG. Plain POSIX sh + jq +
# iproute2's ip. Plugin directories are accepted and ignored.

while [ $# -gt 0 ]; do
    case "$1" in
        -d | --directory) shift ;;
        -h | --help) echo "usage: ohai [--directory DIR]"; exit 0 ;;
    esac
    shift
done

IP=""
for candidate in /usr/sbin/ip /sbin/ip /usr/bin/ip /bin/ip; do  # iproute2's, not busybox's applet
    [ -f "$candidate" ] || continue
    case "$(readlink -f "$candidate")" in */busybox) ;; *) IP=$candidate; break ;; esac
done

RAW=$(mktemp -d) || exit 1
trap 'rm -rf "$RAW"' EXIT

dmidecode -t 0,1,2,3,4 >"$RAW/dmidecode" 2>/dev/null || : >"$RAW/dmidecode"
grep -Hs '' /sys/class/dmi/id/* >"$RAW/dmi_sysfs" 2>/dev/null
: >"$RAW/links"
: >"$RAW/routes"
: >"$RAW/net_sysfs"
if [ -n "$IP" ] && "$IP" -j addr show >"$RAW/links" 2>/dev/null; then
    "$IP" -j route show default >"$RAW/routes" 2>/dev/null || : >"$RAW/routes"
else
    : >"$RAW/links"
    grep -Hs '' /sys/class/net/*/address /sys/class/net/*/operstate /sys/class/net/*/mtu /sys/class/net/*/type \
        >"$RAW/net_sysfs" 2>/dev/null
fi
grep -Hs '' /sys/block/*/size /sys/block/*/removable /sys/block/*/queue/rotational /sys/block/*/device/model \
    /sys/block/*/device/vendor /sys/block/*/device/state >"$RAW/block" 2>/dev/null
cat /etc/os-release >"$RAW/os_release" 2>/dev/null || : >"$RAW/os_release"
cat /proc/cpuinfo >"$RAW/cpuinfo" 2>/dev/null || : >"$RAW/cpuinfo"
cat /proc/meminfo >"$RAW/meminfo" 2>/dev/null || : >"$RAW/meminfo"

exec jq -n --arg hostname "$(hostname)" --arg name "$(uname -s)" --arg release "$(uname -r)" \
    --arg version "$(uname -v)" --arg machine "$(uname -m)" --arg os "$(uname -o 2>/dev/null)" \
    --argjson time "$(date +%s)" --rawfile dmidecode "$RAW/dmidecode" --rawfile dmi_sysfs "$RAW/dmi_sysfs" \
    --slurpfile links "$RAW/links" --slurpfile routes "$RAW/routes" --rawfile net_sysfs "$RAW/net_sysfs" \
    --rawfile block "$RAW/block" --rawfile os_release "$RAW/os_release" --rawfile cpuinfo "$RAW/cpuinfo" \
    --rawfile meminfo "$RAW/meminfo" '
def lines: split("\n") | map(select(. != ""));
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
   dmi: dmi, cpu: cpu, memory: memory, network: $network, block_device: block, ohai_time: $time}'
