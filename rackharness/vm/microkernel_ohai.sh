#!/bin/sh
# ohai for the rackharness microkernel: an ohai-shaped JSON document of the machine it runs on, on stdout.
#
# RackHD's catalog-ohai task runs `sudo ohai --directory /etc/ohai/plugins`; the reference target stores the
# JSON as the node's ohai catalog (its Redfish ComputerSystem reads dmi.system, dmi.bios, dmi.chassis,
# dmi.processor and cpu.real). Only what the machine really has: hostname, kernel (uname), dmi (the first
# record of DMI types 0-4 from dmidecode, keys snake_cased as ohai does; else /sys/class/dmi/id), cpu
# (/proc/cpuinfo), memory (/proc/meminfo, "NNNkB" as ohai writes it), network (`ip -j addr`, else
# /sys/class/net: MACs upper-case as {"family": "lladdr"}, IPv4 as inet, IPv6 as inet6) and block devices
# (/sys/block). The shell gathers into a directory, one busybox awk run shapes (static: it starts at once under
# TCG, where jq took ~0.4 s), pretty-printed as jq would. Plain POSIX sh + busybox awk + iproute2's ip. Plugin
# directories are accepted and ignored. Tests: OHAI_RAW=DIR gathers into DIR (kept); OHAI_GATHER=0 shapes
# what DIR holds (dmidecode, dmi_sysfs, links, routes, net_sysfs, block, os_release, cpuinfo, meminfo).

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

ohai_gather() {  # the raw inputs, into $RAW
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
}

# The document from $RAW's files, in the order and the shape ohai (and this script's jq program before) wrote it.
OHAI_AWK='
function fail(why) { printf "ohai: %s\n", why >"/dev/stderr"; exit 2 }
# -- JSON out, pretty-printed as jq does (two spaces, "key": value, {} and [] when empty, a final newline)
function put(s) { out = out s; if (length(out) > 4096) { printf "%s", out; out = "" } }
function item() { put((first[depth] ? "\n" : ",\n") indent[depth]); first[depth] = 0 }
function pre() { if (inkey) inkey = 0; else if (depth > 0) item() }
function obj() { pre(); put("{"); first[++depth] = 1 }
function arr() { pre(); put("["); first[++depth] = 1 }
function end(c) { if (!first[depth]) put("\n" indent[depth - 1]); depth--; put(c) }
function key(k) { item(); put("\"" esc(k) "\": "); inkey = 1 }
function str(s) { pre(); put("\"" esc(s) "\"") }
function raw(x) { pre(); put(x) }
function strnull(s) { if (s == NULL) raw("null"); else str(s) }  # NULL: a value no text has
function esc(s,    c) {  # jq escapes: \" \\ \t \n \r \b \f, \u00XX for other controls and DEL
    if (index(s, "\\")) gsub(/\\/, "\\\\", s)
    if (index(s, "\"")) gsub(/"/, "\\\"", s)
    if (s ~ /[\001-\037\177]/) for (c in control) if (index(s, c)) gsub(c, control[c], s)
    return s
}
# -- JSON in (ip -j): every value of a file under path ROOT SUBSEP N; at each path JT (o a s n t f z), JV (a
# string decoded, else the token), JN (an array length)
function skip(n) { rest = substr(rest, n + 1) }
function ws() { if (match(rest, /^[ \t\n\r]+/)) skip(RLENGTH) }
function jval(path, depth,    c, k, n) {
    if (depth > 256) return 0
    ws(); c = substr(rest, 1, 1)
    if (c == "{" || c == "[") {
        skip(1); ws(); JT[path] = c == "{" ? "o" : "a"; n = 0
        if (substr(rest, 1, 1) == (c == "{" ? "}" : "]")) { skip(1); JN[path] = 0; return 1 }
        while (1) {
            if (c == "{") {
                ws()
                if (!match(rest, /^"([^"\\\001-\037]|\\["\\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"/)) return 0
                k = unjson(substr(rest, 1, RLENGTH)); skip(RLENGTH); ws()
                if (substr(rest, 1, 1) != ":") return 0
                skip(1)
                if (!jval(path SUBSEP k, depth + 1)) return 0
            } else if (!jval(path SUBSEP n++, depth + 1)) return 0
            ws(); k = substr(rest, 1, 1); skip(1)
            if (k == (c == "{" ? "}" : "]")) break
            if (k != ",") return 0
        }
        JN[path] = n
        return 1
    }
    if (c == "\"") {
        if (!match(rest, /^"([^"\\\001-\037]|\\["\\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"/)) return 0
        JT[path] = "s"; JV[path] = unjson(substr(rest, 1, RLENGTH)); skip(RLENGTH)
        return 1
    }
    if (!match(rest, /^[A-Za-z0-9.+-]+/)) return 0
    c = substr(rest, 1, RLENGTH); skip(RLENGTH); JV[path] = c
    if (c == "true") JT[path] = "t"
    else if (c == "false") JT[path] = "f"
    else if (c == "null") JT[path] = "z"
    else if (c ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/) JT[path] = "n"
    else return 0
    return 1
}
function jfile(f, root,    line, n) {  # the JSON values of file f (jq --slurpfile); their count
    rest = ""
    while ((getline line <f) > 0) rest = rest line "\n"
    close(f)
    n = 0
    for (ws(); rest != ""; ws()) if (!jval(root SUBSEP n++, 0)) fail("not JSON: " f)
    return n
}
function hex4(h,    i, n) {
    h = tolower(h); n = 0
    for (i = 1; i <= 4; i++) n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return n
}
function utf8(u) {
    if (u < 1) return ""
    if (u < 128) return sprintf("%c", u)
    if (u < 2048) return sprintf("%c%c", 192 + int(u / 64), 128 + u % 64)
    if (u < 65536) return sprintf("%c%c%c", 224 + int(u / 4096), 128 + int(u / 64) % 64, 128 + u % 64)
    return sprintf("%c%c%c%c", 240 + int(u / 262144), 128 + int(u / 4096) % 64, 128 + int(u / 64) % 64, 128 + u % 64)
}
function unjson(t,    s, o, i, c, u, l) {
    s = substr(t, 2, length(t) - 2)
    if (!index(s, "\\")) return s
    o = ""
    while ((i = index(s, "\\")) > 0) {
        o = o substr(s, 1, i - 1)
        c = substr(s, i + 1, 1)
        if (c != "u") { o = o unescape[c]; s = substr(s, i + 2); continue }
        u = hex4(substr(s, i + 2, 4)); s = substr(s, i + 6)
        if (u >= 55296 && u < 56320 && substr(s, 1, 2) == "\\u" && (l = hex4(substr(s, 3, 4))) >= 56320 && l < 57344) {
            u = 65536 + (u - 55296) * 1024 + (l - 56320); s = substr(s, 7)
        } else if (u >= 55296 && u < 57344) u = 65533
        o = o utf8(u)
    }
    return o s
}
function jstr(path) { return JT[path] == "s" ? JV[path] : NULL }  # a string there, else NULL
function jtext(path) {  # jq tostring of a scalar there
    if (JT[path] == "s") return JV[path]
    if (JT[path] == "n") return number(JV[path])
    return JT[path] == "" || JT[path] == "z" ? "null" : JV[path]
}
function number(t,    v) {
    v = t + 0
    if (v == int(v) && v > -2147483648 && v < 2147483648) return sprintf("%d", v)
    return t
}
# -- the inputs
function snake(s) {
    s = tolower(s); gsub(/[^a-z0-9]+/, "_", s); gsub(/^_+|_+$/, "", s)
    return s
}
function trim(s) { sub(/^[ \t\n\r\f\013]+/, "", s); sub(/[ \t\n\r\f\013]+$/, "", s); return s }
function sorted(list, n,    i, j, v) {  # list[1..n] sorted as strings, in place
    for (i = 2; i <= n; i++) {
        v = list[i]
        for (j = i - 1; j >= 1 && ("x" list[j]) > ("x" v); j--) list[j + 1] = list[j]
        list[j + 1] = v
    }
}
function dmi_record(    name, i) {  # the record just read: the first of its DMI type is kept
    if (!(rtype in dminame)) return
    name = dminame[rtype]
    if (name in dmin) return
    dmisec[++ndmi] = name; dmin[name] = rn
    for (i = 1; i <= rn; i++) { dmik[name, i] = rk[i]; dmiv[name, i] = rv[rk[i]] }
}
function dmi(    f, line, r, k, t, name, i) {
    split("bios system base_board chassis processor", t, " ")
    for (i = 0; i < 5; i++) dminame[i ""] = t[i + 1]
    f = RAW "/dmidecode"; inrec = 0
    while (1) {
        r = (getline line <f)
        if (r <= 0 || line == "") {
            if (inrec) dmi_record()
            inrec = 0
            if (r <= 0) break
            continue
        }
        if (!inrec) { inrec = 1; rtype = ""; rn = 0; delete rv; delete rpos }
        if (rtype == "" && match(line, /Handle 0x[0-9A-Fa-f]+, DMI type [0-9]+/)) {
            rtype = substr(line, RSTART, RLENGTH); sub(/.* /, "", rtype)
        }
        if (match(line, /^\t[^\t:][^:]*: /)) {
            k = snake(substr(line, 2, RLENGTH - 3))
            if (!(k in rpos)) { rpos[k] = ++rn; rk[rn] = k }
            rv[k] = substr(line, RLENGTH + 1)
        }
    }
    close(f)
    if (ndmi) return
    split("bios_vendor bios vendor bios_version bios version bios_date bios release_date " \
          "sys_vendor system manufacturer product_name system product_name product_version system version " \
          "product_serial system serial_number product_uuid system uuid product_sku system sku_number " \
          "product_family system family board_vendor base_board manufacturer board_name base_board product_name " \
          "board_version base_board version board_serial base_board serial_number " \
          "board_asset_tag base_board asset_tag chassis_vendor chassis manufacturer chassis_version chassis version " \
          "chassis_serial chassis serial_number chassis_asset_tag chassis asset_tag", t, " ")
    for (i = 1; t[i] != ""; i += 3) { msec[t[i]] = t[i + 1]; mkey[t[i]] = t[i + 2] }
    f = RAW "/dmi_sysfs"
    while ((getline line <f) > 0) {
        if (!match(line, /^\/sys\/class\/dmi\/id\/[^\/:]+:/)) continue
        k = substr(line, 19, RLENGTH - 19)
        if (!(k in msec)) continue
        name = msec[k]
        if (!(name in dmin)) { dmisec[++ndmi] = name; dmin[name] = 0 }
        if (!((name, mkey[k]) in dmipos)) { dmipos[name, mkey[k]] = ++dmin[name]; dmik[name, dmin[name]] = mkey[k] }
        dmiv[name, dmipos[name, mkey[k]]] = substr(line, RLENGTH + 1)
    }
    close(f)
}
function cpu_record(    k) { if (shown) { ncpu++; for (k in cf) { cpuf[ncpu, k] = cf[k] } } }
function cpu(    f, line, r, p, k, v, key) {
    f = RAW "/cpuinfo"; inrec = 0
    while (1) {
        r = (getline line <f)
        if (r <= 0 || line == "") {
            if (inrec) cpu_record()
            inrec = 0
            if (r <= 0) break
            continue
        }
        if (!inrec) { inrec = 1; shown = 0; delete cf }
        if (line ~ /[^ \t\r\f\013]/) shown = 1
        if ((p = index(line, ":")) < 2) continue
        k = substr(line, 1, p - 1); key = k
        sub(/[ \t\r\f\013]+$/, "", key)
        if (key == "") key = substr(k, 1, 1)  # the lazy key of ^([^\t:]+?)\s*: is one character at least
        if (key == "\t" || index(key, "\t")) continue
        v = substr(line, p + 1)
        if (v ~ /^[ \t\r\f\013]/) v = substr(v, 2)
        cf[key] = v
    }
    close(f)
}
function memory(    f, line, k, v, l) {
    f = RAW "/meminfo"
    while ((getline line <f) > 0) {
        if (!match(line, /^[^:]+:[ \t\r\f\013]*[0-9]+/)) continue
        l = RLENGTH; v = substr(line, 1, l); k = substr(line, 1, index(line, ":") - 1)
        match(v, /[0-9]+$/); v = substr(v, RSTART)
        if (substr(line, l + 1, 3) == " kB") v = v "kB"
        mem[k] = v
    }
    close(f)
}
function os_release(name,    f, line, v, found) {  # the first NAME="?value"? line: its value, else ""
    f = RAW "/os_release"; found = ""
    while ((getline line <f) > 0) {
        if (substr(line, 1, length(name) + 1) != name "=") continue
        v = substr(line, length(name) + 2)
        if (v !~ /^"?[^"]*"?$/) continue
        sub(/^"/, "", v); sub(/"$/, "", v)
        found = v
        break
    }
    close(f)
    return found
}
function netmask(p,    i, b, m) {
    m = ""
    for (i = 0; i < 4; i++) { b = p - i * 8; if (b > 8) b = 8; m = m (i ? "." : "") (b <= 0 ? 0 : mask[b]) }
    return m
}
function links(    n, i, line, f, dir, file, v, p) {  # the links as ip -j gives them, at L SUBSEP 0 SUBSEP i
    if (jfile(RAW "/links", "L") && JT["L", 0] != "z") return
    f = RAW "/net_sysfs"; n = 0
    while ((getline line <f) > 0) {
        if (!match(line, /^\/sys\/class\/net\/[^\/:]+\/[^:]*:/)) continue
        v = substr(line, RLENGTH + 1); line = substr(line, 16, RLENGTH - 16)
        dir = substr(line, 1, index(line, "/") - 1); file = substr(line, index(line, "/") + 1)
        if (!(dir in netdir)) { netdir[dir] = 1; dirs[++n] = dir }
        sys[dir, file] = v; has[dir, file] = 1
    }
    close(f)
    sorted(dirs, n)
    JT["L", 0] = "a"; JN["L", 0] = n
    for (i = 1; i <= n; i++) {
        dir = dirs[i]; p = "L" SUBSEP 0 SUBSEP (i - 1)
        JT[p] = "o"; JT[p, "ifname"] = "s"; JV[p, "ifname"] = dir
        if ((dir, "address") in has) { JT[p, "address"] = "s"; JV[p, "address"] = sys[dir, "address"] }
        JT[p, "operstate"] = "s"
        JV[p, "operstate"] = toupper((dir, "operstate") in has ? sys[dir, "operstate"] : "unknown")
        v = sys[dir, "mtu"]
        if (v ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/) { JT[p, "mtu"] = "n"; JV[p, "mtu"] = v }
        JT[p, "flags"] = JT[p, "addr_info"] = "a"; JN[p, "flags"] = JN[p, "addr_info"] = 0
        JT[p, "link_type"] = "s"
        JV[p, "link_type"] = sys[dir, "type"] == "772" ? "loopback" : sys[dir, "type"] == "1" ? "ether" : "unknown"
    }
}
function network(    i, j, n, p, a, name, lt, addr, v) {  # interfaces 1..ni: iname[k], ilink[k] (link index)
    links()
    n = JT["L", 0] == "a" ? JN["L", 0] : 0
    for (i = 0; i < n; i++) {
        p = "L" SUBSEP 0 SUBSEP i
        name = jtext(p SUBSEP "ifname")
        if (!(name in ipos)) { ipos[name] = ++ni; iname[ni] = name }
        ilink[ipos[name]] = i; na[i] = 0  # a repeated name: the last link, the first place
        lt = jstr(p SUBSEP "link_type")
        addr = jstr(p SUBSEP "address")
        if (lt == "ether" && addr != NULL && addr != "") addaddr(i, toupper(addr), "lladdr", p)
        for (j = 0; j < JN[p, "addr_info"]; j++) {
            a = p SUBSEP "addr_info" SUBSEP j
            v = jstr(a SUBSEP "family")
            if (v == "inet" || v == "inet6") addaddr(i, jtext(a SUBSEP "local"), v, a)
        }
    }
    route_dev = route_gw = NULL
    if (jfile(RAW "/routes", "R")) {
        route_dev = jstr("R" SUBSEP 0 SUBSEP 0 SUBSEP "dev"); route_gw = jstr("R" SUBSEP 0 SUBSEP 0 SUBSEP "gateway")
    }
}
function addaddr(k, address, family, path,    m) {  # an address of link k: the last value, the first place
    if (!((k, address) in apos)) { apos[k, address] = ++na[k]; akey[k, na[k]] = address }
    m = apos[k, address]; afam[k, m] = family; apath[k, m] = path
}
function put_interface(k,    i, p, lt, m, a, v, name) {
    i = ilink[k]; p = "L" SUBSEP 0 SUBSEP i; lt = jstr(p SUBSEP "link_type")
    obj()
    key("encapsulation"); strnull(lt == "ether" ? "Ethernet" : lt == "loopback" ? "Loopback" : lt)
    v = jstr(p SUBSEP "operstate"); key("state"); str(tolower(v == NULL ? "unknown" : v))
    key("flags"); arr()
    for (m = 0; m < JN[p, "flags"]; m++) str(jtext(p SUBSEP "flags" SUBSEP m))
    end("]")
    key("mtu"); str(jtext(p SUBSEP "mtu"))
    key("addresses"); obj()
    for (m = 1; m <= na[i]; m++) {
        key(akey[i, m]); obj(); key("family"); str(afam[i, m])
        if (afam[i, m] != "lladdr") {
            a = apath[i, m]
            key("prefixlen"); str(jtext(a SUBSEP "prefixlen"))
            v = jstr(a SUBSEP "scope")
            if (v != NULL) { key("scope"); str(v == "host" ? "Node" : toupper(substr(v, 1, 1)) substr(v, 2)) }
            v = jstr(a SUBSEP "broadcast")
            if (v != NULL) { key("broadcast"); str(v) }
            if (afam[i, m] == "inet") { key("netmask"); str(netmask(jtext(a SUBSEP "prefixlen") + 0)) }
        }
        end("}")
    }
    end("}")
    name = iname[k]
    if (match(name, /[0-9]+$/)) {
        key("type"); str(substr(name, 1, RSTART - 1)); key("number"); str(substr(name, RSTART))
    }
    end("}")
}
function put_dmi(    i, j, name) {
    obj()
    for (i = 1; i <= ndmi; i++) {
        name = dmisec[i]; key(name); obj()
        for (j = 1; j <= dmin[name]; j++) { key(dmik[name, j]); str(dmiv[name, j]) }
        end("}")
    }
    end("}")
}
function put_cpu(    i, k, n, fields, keys, t, pk, x, m, flags, real, cores, seen, seen_core) {
    n = split("vendor_id family model model_name stepping mhz cache_size physical_id core_id cores", keys, " ")
    split("vendor_id|cpu family|model|model name|stepping|cpu MHz|cache size|physical id|core id|cpu cores",
          fields, "|")
    for (i = 1; i <= ncpu; i++) {  # processor keys: the last record, the first place
        pk = ((i, "processor") in cpuf) ? cpuf[i, "processor"] : "0"
        if (!(pk in ppos)) { ppos[pk] = ++np; pkey[np] = pk }
        prec[ppos[pk]] = i
        x = ((i, "physical id") in cpuf) ? cpuf[i, "physical id"] : "0"
        if (!(x in seen)) { seen[x] = 1; real++ }
        x = x ":" (((i, "core id") in cpuf) ? cpuf[i, "core id"] :
                   ((i, "processor") in cpuf) ? cpuf[i, "processor"] : "")
        if (!(x in seen_core)) { seen_core[x] = 1; cores++ }
    }
    obj()
    for (t = 1; t <= np; t++) {
        i = prec[t]; key(pkey[t]); obj()
        for (k = 1; k <= n; k++) if ((i, fields[k]) in cpuf) { key(keys[k]); str(cpuf[i, fields[k]]) }
        key("flags"); arr()
        m = split(cpuf[i, "flags"], flags, / /)
        for (k = 1; k <= m; k++) if (flags[k] != "") str(flags[k])
        end("]")
        end("}")
    }
    key("total"); raw(ncpu + 0); key("real"); raw(real + 0); key("cores"); raw(cores + 0)
    end("}")
}
function put_memory(    n, i, keys, names) {
    n = split("total free available buffers cached active inactive", keys, " ")
    split("MemTotal MemFree MemAvailable Buffers Cached Active Inactive", names, " ")
    obj()
    for (i = 1; i <= n; i++) if (names[i] in mem) { key(keys[i]); str(mem[names[i]]) }
    key("swap"); obj()
    n = split("total free cached", keys, " "); split("SwapTotal SwapFree SwapCached", names, " ")
    for (i = 1; i <= n; i++) if (names[i] in mem) { key(keys[i]); str(mem[names[i]]) }
    end("}")
    end("}")
}
function put_block(    f, line, dir, file, v, n, i, j, l) {
    f = RAW "/block"; n = 0
    while ((getline line <f) > 0) {
        if (!match(line, /^\/sys\/block\/[^\/:]+\/[^:]*:/)) continue
        l = RLENGTH; v = trim(substr(line, l + 1)); line = substr(line, 12, l - 12)
        dir = substr(line, 1, index(line, "/") - 1); file = substr(line, index(line, "/") + 1)
        if (dir ~ /^(loop|ram|zram)/) continue
        sub(/^(device|queue)\//, "", file)
        if (!(dir in bdir)) { bdir[dir] = 1; bdirs[++n] = dir; bn[dir] = 0 }
        if (!((dir, file) in bpos)) { bpos[dir, file] = ++bn[dir]; bkey[dir, bn[dir]] = file }
        bval[dir, bpos[dir, file]] = v
    }
    close(f)
    sorted(bdirs, n)
    obj()
    for (i = 1; i <= n; i++) {
        dir = bdirs[i]; key(dir); obj()
        for (j = 1; j <= bn[dir]; j++) if (bval[dir, j] != "") { key(bkey[dir, j]); str(bval[dir, j]) }
        end("}")
    }
    end("}")
}
BEGIN {
    NULL = "\001null\001"
    unescape["\""] = "\""; unescape["\\"] = "\\"; unescape["/"] = "/"; unescape["b"] = sprintf("%c", 8)
    unescape["f"] = sprintf("%c", 12); unescape["n"] = "\n"; unescape["r"] = sprintf("%c", 13); unescape["t"] = "\t"
    for (i = 1; i < 32; i++) control[sprintf("%c", i)] = sprintf("\\u%04x", i)
    control[sprintf("%c", 127)] = "\\u007f"; control["\n"] = "\\n"; control["\t"] = "\\t"
    control[sprintf("%c", 13)] = "\\r"; control[sprintf("%c", 8)] = "\\b"; control[sprintf("%c", 12)] = "\\f"
    split("128 192 224 240 248 252 254 255", mask, " ")  # mask[b]: 256 - 2^(8 - b), as jq computes it
    indent[0] = ""
    for (i = 1; i < 64; i++) indent[i] = indent[i - 1] "  "
    RAW = ENVIRON["OHAI_RAW"]
    dmi(); cpu(); memory(); network()
    ipaddress = macaddress = NULL
    if (route_dev != NULL && (route_dev in ipos)) {
        i = ilink[ipos[route_dev]]
        for (m = na[i]; m >= 1; m--) {  # the first of each
            if (afam[i, m] == "inet") ipaddress = akey[i, m]
            else if (afam[i, m] == "lladdr") macaddress = akey[i, m]
        }
    }
    idlike = os_release("ID_LIKE"); split(idlike, words, / /); family = words[1]
    obj()
    key("hostname"); str(ENVIRON["OHAI_HOSTNAME"]); key("fqdn"); str(ENVIRON["OHAI_HOSTNAME"])
    key("domain"); raw("null")
    key("os"); str(tolower(ENVIRON["OHAI_NAME"])); key("os_version"); str(ENVIRON["OHAI_RELEASE"])
    v = os_release("ID"); key("platform"); strnull(v == "" ? NULL : v)
    v = os_release("VERSION_ID"); key("platform_version"); strnull(v == "" ? NULL : v)
    key("platform_family"); strnull(family == "" ? NULL : family)
    key("ipaddress"); strnull(ipaddress); key("macaddress"); strnull(macaddress)
    key("kernel"); obj()
    key("name"); str(ENVIRON["OHAI_NAME"]); key("release"); str(ENVIRON["OHAI_RELEASE"])
    key("version"); str(ENVIRON["OHAI_VERSION"]); key("machine"); str(ENVIRON["OHAI_MACHINE"])
    key("os"); strnull(ENVIRON["OHAI_OS"] == "" ? NULL : ENVIRON["OHAI_OS"])
    end("}")
    key("dmi"); put_dmi()
    key("cpu"); put_cpu()
    key("memory"); put_memory()
    key("network"); obj()
    key("interfaces"); obj()
    for (k = 1; k <= ni; k++) { key(iname[k]); put_interface(k) }
    end("}")
    key("default_interface"); strnull(route_dev); key("default_gateway"); strnull(route_gw)
    end("}")
    key("block_device"); put_block()
    key("ohai_time"); raw(ENVIRON["OHAI_TIME"])
    end("}")
    printf "%s\n", out
}
'

if [ -n "${OHAI_RAW:-}" ]; then
    RAW=$OHAI_RAW
    mkdir -p "$RAW" || exit 1
else
    RAW=$(mktemp -d) || exit 1
    trap 'rm -rf "$RAW"' EXIT
fi
[ "${OHAI_GATHER:-1}" = 0 ] || ohai_gather
OHAI_RAW=$RAW OHAI_HOSTNAME=$(hostname) OHAI_NAME=$(uname -s) OHAI_RELEASE=$(uname -r) OHAI_VERSION=$(uname -v) \
    OHAI_MACHINE=$(uname -m) OHAI_OS=$(uname -o 2>/dev/null) OHAI_TIME=$(date +%s) LC_ALL=C awk "$OHAI_AWK" </dev/null
