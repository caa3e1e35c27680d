#!/bin/sh
# /init of the rackharness microkernel (busybox ash): RackHD's bootstrap protocol, spoken with wget and awk.
#
# Kernel command line: API_CB=host:port (where RackHD's southbound API answers) and BOOTIF=01-aa-bb-cc-dd-ee-ff
# (iPXE's form; ':' works too): the NIC with that MAC is brought up with DHCP (else eth0). Then, like RackHD's
# bootstrap.js: GET /api/current/tasks/bootstrap.js?macAddress=MAC until 200, take its
# tasksPath = '/api/current/tasks/<id>' line, and loop: GET tasksPath → {identifier, tasks: [{cmd,
# downloadUrl?, acceptedResponseCodes?}], exit?}; run each cmd with sh -c in /tmp/tasks (after fetching its
# downloadUrl), set stdout, stderr and error (null, or {code, killed, signal, cmd}); stop at the first failure
# whose code is not accepted; POST the document back; a document with `exit` reboots the VM.
#
# Everything is echoed to the console prefixed "rackharness-mk:". Commands may hold passwords: only the program
# a command runs is ever printed. Sourced with MK_LIB=1 the file only defines its functions (unit tests).

MK_WORK=${MK_WORK:-/tmp/tasks}
MK_STATE=${MK_STATE:-/tmp/mk}
MK_POLL=${MK_POLL:-0.2}
MK_HTTP_TIMEOUT=${MK_HTTP_TIMEOUT:-60}
MK_MODULES=${MK_MODULES:-/lib/modules/microkernel}
MK_BOOTSTRAP_TRIES=${MK_BOOTSTRAP_TRIES:-300}

mk_say() {  # a console line, stamped with the uptime
    local up rest
    read -r up rest </proc/uptime 2>/dev/null || up=?
    echo "rackharness-mk: [$up] $*"
}

mk_reboot() { sync; reboot -f; sleep 30; }

mk_fatal() {
    mk_say "FATAL: $*; rebooting in 10 s"
    sleep 10
    mk_reboot
    exit 1
}

# -- the kernel command line ---------------------------------------------------------------------
mk_cmdline_value() (  # NAME CMDLINE: the value of NAME=... (status 1 when absent)
    set -f
    for word in $2; do
        case "$word" in "$1="*) echo "${word#*=}"; exit 0 ;; esac
    done
    exit 1
)

mk_bootif_mac() {  # BOOTIF value (01-aa-bb-.., 01:aa:.., or a bare MAC) → aa:bb:cc:dd:ee:ff
    mac=$(echo "$1" | tr 'ABCDEF-' 'abcdef:')
    case "$mac" in 01:*:*:*:*:*:*) mac=${mac#01:} ;; esac
    echo "$mac" | grep -Eq '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' || return 1
    echo "$mac"
}

mk_find_iface() {  # MAC → the interface that has it
    for dir in /sys/class/net/*; do
        [ -r "$dir/address" ] && [ "$(cat "$dir/address")" = "$1" ] && { echo "${dir##*/}"; return 0; }
    done
    return 1
}

mk_program() (  # COMMAND → the program it runs, never its arguments (they may hold passwords)
    set -f
    set -- $1
    [ "$1" = sudo ] && [ $# -gt 1 ] && shift
    case "${1:-}" in *=*) echo "${1%%=*}=***" ;; "") echo "(empty)" ;; *) echo "$1" ;; esac
)

# -- HTTP (busybox wget) ---------------------------------------------------------------------------
mk_url() {  # PATH_OR_URL → an absolute URL on API_CB (an absolute URL goes as is)
    case "$1" in
        http://* | https://*) echo "$1" ;;
        /*) echo "http://$API_CB$1" ;;
        *) echo "http://$API_CB/$1" ;;
    esac
}

mk_get() { timeout "$MK_HTTP_TIMEOUT" wget -q -O "$2" "$(mk_url "$1")" 2>"$MK_STATE/wget.err"; }

mk_post() {  # PATH FILE: POST the JSON document, 5 tries
    for try in 1 2 3 4 5; do
        timeout "$MK_HTTP_TIMEOUT" wget -q -O "$MK_STATE/post.out" --header 'Content-Type: application/json' \
            --post-file="$2" "$(mk_url "$1")" 2>"$MK_STATE/wget.err" && return 0
        mk_say "POST $1 failed (try $try): $(head -c 200 "$MK_STATE/wget.err")"
        sleep "$try"
    done
    return 1
}

mk_tasks_path() {  # BOOTSTRAP_JS_FILE → /api/current/tasks/<id> (from its tasksPath = '...' line)
    sed -n "s/.*tasksPath[[:space:]]*=[[:space:]]*['\"]\([^'\"]*\/tasks\/[^'\"\/?][^'\"\/?]*\)['\"].*/\1/p" "$1" |
        head -n 1 | sed 's#^[A-Za-z][A-Za-z0-9+.-]*://[^/]*##'
}

# -- one task document -----------------------------------------------------------------------------
mk_download() {  # URL → fetched into MK_WORK under its last path segment
    local name
    name=${1%%\?*}
    name=${name##*/}
    mk_get "$1" "$MK_WORK/${name:-download}"
}

# A task document, read by busybox awk (static, it starts at once under TCG, where each jq run costs ~0.36 s).
# `mk_json plan DOC`: the document as a plan of shell lines, `mk_task INDEX CMD URL "ACCEPTED CODES"` per task
# that is an object (CMD and URL decoded, quoted as jq's @sh does), `MK_EXIT=...` (compact JSON) when it carries
# an `exit` that is not null; status 1 on anything but {tasks: [...]} (strict JSON; jq's leniencies such as
# `nan` or `01` are refused). `mk_json merge DOC DONE`: DOC with the results of the tasks DONE (their files in
# MK_STATE): each one's object is rewritten as its members but stdout, stderr and error, then those three;
# everything else is copied byte for byte. The lexer matches anchored regexps on `rest`, the text from byte `pos` of `doc`; it
# records the top-level "tasks" (each element's type and byte span; an object's members: key, span, value span)
# and "exit"; of a repeated key, the last (as jq and JSON.parse keep).
MK_JSON_AWK='
function fail() { exit 1 }
function skip(n) { pos += n; rest = substr(rest, n + 1) }
function ws() { if (match(rest, /^[ \t\n\r]+/)) skip(RLENGTH) }
function val(depth, ctx,    start, c, key, kstart, inner, t, e, m) {  # one value; its type (o a s n t f z), VS, VE
    if (depth > 256) fail()
    ws()
    start = pos
    c = substr(rest, 1, 1)
    if (c == "{") {
        skip(1); ws()
        if (substr(rest, 1, 1) == "}") skip(1)
        else while (1) {
            ws()
            kstart = pos
            if (!match(rest, /^"([^"\\\001-\037]|\\["\\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"/)) fail()
            key = substr(rest, 1, RLENGTH); skip(RLENGTH); ws()
            if (ctx != "top" && ctx != "task" && index(key, "\\u")) unjson(key)
            if (substr(rest, 1, 1) != ":") fail()
            skip(1)
            inner = ""
            if (ctx == "top") {
                key = unjson(key)
                if (key == "tasks") { inner = "tasks"; ntasks = 0 }
            } else if (ctx == "task") {
                key = unjson(key)
                if (key == "acceptedResponseCodes") { inner = "codes"; codes[task] = "" }
            }
            t = val(depth + 1, inner)
            if (ctx == "top") {
                if (key == "tasks") tasks_type = t
                else if (key == "exit") { exit_type = t; exit_text = substr(doc, VS, VE - VS) }
            } else if (ctx == "task") {
                m = ++members[task]
                mkey[task, m] = key; mstart[task, m] = kstart; mtype[task, m] = t; mvs[task, m] = VS; mve[task, m] = VE
            }
            ws(); c = substr(rest, 1, 1); skip(1)
            if (c == "}") break
            if (c != ",") fail()
        }
        VS = start; VE = pos; return "o"
    }
    if (c == "[") {
        skip(1); ws(); e = 0
        if (substr(rest, 1, 1) == "]") skip(1)
        else while (1) {
            if (ctx == "tasks") { task = e; members[e] = 0; codes[e] = "" }
            t = val(depth + 1, ctx == "tasks" ? "task" : "")
            if (ctx == "tasks") { ttype[e] = t; tstart[e] = VS; tend[e] = VE; ntasks = e + 1 }
            else if (ctx == "codes" && t == "n")
                codes[task] = codes[task] (codes[task] == "" ? "" : " ") number(substr(doc, VS, VE - VS))
            e++
            ws(); c = substr(rest, 1, 1); skip(1)
            if (c == "]") break
            if (c != ",") fail()
        }
        VS = start; VE = pos; return "a"
    }
    if (c == "\"") {
        if (!match(rest, /^"([^"\\\001-\037]|\\["\\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"/)) fail()
        if (index(substr(rest, 1, RLENGTH), "\\u")) unjson(substr(rest, 1, RLENGTH))  # fails on a lone surrogate
        skip(RLENGTH); VS = start; VE = pos; return "s"
    }
    if (!match(rest, /^[A-Za-z0-9.+-]+/)) fail()  # a literal or a number: a run of these, as jq reads one
    c = substr(rest, 1, RLENGTH); skip(RLENGTH); VS = start; VE = pos
    if (c == "true") return "t"
    if (c == "false") return "f"
    if (c == "null") return "z"
    if (c ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/) return "n"
    fail()
}
function hex4(h,    i, n) {
    h = tolower(h); n = 0
    for (i = 1; i <= 4; i++) n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return n
}
function utf8(u) {  # the bytes of code point u (U+0000: none, no shell word holds it)
    if (u < 1) return ""
    if (u < 128) return sprintf("%c", u)
    if (u < 2048) return sprintf("%c%c", 192 + int(u / 64), 128 + u % 64)
    if (u < 65536) return sprintf("%c%c%c", 224 + int(u / 4096), 128 + int(u / 64) % 64, 128 + u % 64)
    return sprintf("%c%c%c%c", 240 + int(u / 262144), 128 + int(u / 4096) % 64, 128 + int(u / 64) % 64, 128 + u % 64)
}
function unjson(t,    s, out, i, c, u, l) {  # a string token, decoded
    s = substr(t, 2, length(t) - 2)
    if (!index(s, "\\")) return s
    out = ""
    while ((i = index(s, "\\")) > 0) {
        out = out substr(s, 1, i - 1)
        c = substr(s, i + 1, 1)
        if (c != "u") { out = out unescape[c]; s = substr(s, i + 2); continue }
        u = hex4(substr(s, i + 2, 4)); s = substr(s, i + 6)
        if (u >= 55296 && u < 56320 && substr(s, 1, 2) == "\\u" && (l = hex4(substr(s, 3, 4))) >= 56320 && l < 57344) {
            u = 65536 + (u - 55296) * 1024 + (l - 56320); s = substr(s, 7)
        } else if (u >= 55296 && u < 57344) fail()  # a lone surrogate: jq rejects the document
        out = out utf8(u)
    }
    return out s
}
function compact(t,    out) {  # JSON text as jq tojson writes it: no whitespace, strings escaped again
    out = ""
    while (t != "") {
        if (match(t, /^"([^"\\]|\\.)*"/)) out = out "\"" escape(unjson(substr(t, 1, RLENGTH))) "\""
        else if (match(t, /^[ \t\n\r]+/)) ;
        else if (match(t, /^[-0-9][-+.0-9eE]*/)) out = out number(substr(t, 1, RLENGTH))
        else if (match(t, /^[^" \t\n\r]/)) out = out substr(t, 1, RLENGTH)
        t = substr(t, RLENGTH + 1)
    }
    return out
}
function number(t,    v) {  # jq tostring of a number, for the usual ones (1.0 gives 1, 1e2 gives 100)
    v = t + 0
    if (v == int(v) && v > -2147483648 && v < 2147483648) return sprintf("%d", v)
    return t
}
function member(e, key,    m, found) {  # the last member KEY of task e (0: none)
    found = 0
    for (m = 1; m <= members[e]; m++) if (mkey[e, m] == key) found = m
    return found
}
function text(e, key,    m) {  # jq (.KEY // "" | tostring)
    m = member(e, key)
    if (!m || mtype[e, m] == "z" || mtype[e, m] == "f") return ""
    if (mtype[e, m] == "s") return unjson(substr(doc, mvs[e, m], mve[e, m] - mvs[e, m]))
    return compact(substr(doc, mvs[e, m], mve[e, m] - mvs[e, m]))
}
function shq(s,    out, i) {  # jq @sh
    out = ""
    while ((i = index(s, "\047")) > 0) { out = out substr(s, 1, i - 1) "\047\\\047\047"; s = substr(s, i + 1) }
    return "\047" out s "\047"
}
function escape(s,    c) {  # s as JSON string text (bytes >= 0x80 as they are)
    if (index(s, "\\")) gsub(/\\/, "\\\\", s)
    if (index(s, "\"")) gsub(/"/, "\\\"", s)
    if (index(s, "\t")) gsub(/\t/, "\\t", s)  # tabs are common (dmidecode, lspci -vmm): one pass
    if (s ~ /[\001-\037\177]/) for (c in control) if (index(s, c)) gsub(c, control[c], s)
    return s
}
function rawfile(f,    line, sep, buf, n, i, l) {  # the bytes of file f as JSON string text, but its last one
    sep = buf = ""; n = 0
    while ((getline line <f) > 0) {
        buf = buf sep
        if ((l = length(line)) <= 1024) buf = buf escape(line)
        else for (i = 1; i <= l; i += 1024) {  # gsub rescans the rest of its string after each match: pieces
            buf = buf escape(substr(line, i, 1024))
            if (++n >= 32) { printf "%s", buf; buf = ""; n = 0 }
        }
        sep = RT == "" ? "\\u0000" : "\\n"  # busybox awk ends a record at a NUL too, with RT empty
        if (++n >= 32) { printf "%s", buf; buf = ""; n = 0 }  # not a write per line: slow under TCG
    }
    printf "%s", buf
    close(f)
}
function merge(    e, m, last, out, sep, k, code, f) {
    n = split(ENVIRON["MK_JSON_DONE"], list, " ")
    for (m = 1; m <= n; m++) done[list[m]] = 1
    last = 1
    for (e = 0; e < ntasks; e++) {
        if (!(e in done) || ttype[e] != "o") continue
        out = "{"; sep = ""
        for (m = 1; m <= members[e]; m++) {
            k = mkey[e, m]
            if (k == "stdout" || k == "stderr" || k == "error") continue
            out = out sep substr(doc, mstart[e, m], mve[e, m] - mstart[e, m]); sep = ","
        }
        printf "%s%s%s\"stdout\":\"", substr(doc, last, tstart[e] - last), out, sep
        f = ENVIRON["MK_JSON_STATE"] "/task." e
        rawfile(f ".stdout")
        printf "\",\"stderr\":\""
        rawfile(f ".stderr")
        code = 1; getline code <(f ".code"); close(f ".code"); code += 0
        m = member(e, "cmd")
        if (code == 0) printf "\",\"error\":null}"
        else printf "\",\"error\":{\"code\":%d,\"killed\":false,\"signal\":null,\"cmd\":%s}}", code,
            m ? substr(doc, mvs[e, m], mve[e, m] - mvs[e, m]) : "null"
        last = tend[e]
    }
    printf "%s", substr(doc, last)
}
BEGIN {
    unescape["\""] = "\""; unescape["\\"] = "\\"; unescape["/"] = "/"; unescape["b"] = sprintf("%c", 8)
    unescape["f"] = sprintf("%c", 12); unescape["n"] = "\n"; unescape["r"] = sprintf("%c", 13); unescape["t"] = "\t"
    for (i = 1; i < 32; i++) control[sprintf("%c", i)] = sprintf("\\u%04x", i)
    control[sprintf("%c", 127)] = "\\u007f"; control["\n"] = "\\n"
    control["\t"] = "\\t"; control[sprintf("%c", 13)] = "\\r"; control[sprintf("%c", 8)] = "\\b"
    control[sprintf("%c", 12)] = "\\f"
    file = ENVIRON["MK_JSON_DOC"]; doc = ""; nul = 0
    while ((r = (getline line <file)) > 0) {
        if (nul) fail()  # a NUL byte: not JSON
        doc = doc line RT; nul = RT == ""
    }
    if (r < 0) fail()
    if (substr(doc, 1, 3) == "\357\273\277") doc = substr(doc, 4)  # a UTF-8 BOM, which jq skips
    rest = doc; pos = 1; ws()
    if (substr(rest, 1, 1) != "{") fail()
    val(0, "top"); ws()
    if (rest != "" || tasks_type != "a") fail()
    if (ENVIRON["MK_JSON_MODE"] == "merge") { merge(); exit 0 }
    print "mk_say " shq("document: " ntasks " task(s)")
    for (e = 0; e < ntasks; e++)
        if (ttype[e] == "o")
            print "mk_task " e " " shq(text(e, "cmd")) " " shq(text(e, "downloadUrl")) " " shq(codes[e])
    if (exit_type != "" && exit_type != "z") print "MK_EXIT=" shq(compact(exit_text))
}'

mk_json() {  # plan DOC | merge DOC DONE: MK_JSON_AWK on DOC, to stdout (bytes: LC_ALL=C)
    MK_JSON_MODE=$1 MK_JSON_DOC=$2 MK_JSON_DONE=${3:-} MK_JSON_STATE=$MK_STATE LC_ALL=C awk "$MK_JSON_AWK" </dev/null
}

mk_task() {  # INDEX CMD URL ACCEPTED: run one task (unless an earlier one failed), its results in MK_STATE/task.INDEX.*
    local code=0 out="$MK_STATE/task.$1.stdout" err="$MK_STATE/task.$1.stderr"
    [ "$MK_STOP" = 1 ] && return 0
    : >"$out"
    : >"$err"
    if [ -n "$3" ]; then
        mk_say "task $1: download ${3%%\?*}"
        if ! mk_download "$3"; then
            code=1
            printf 'Error: download of %s failed: %s\n' "$3" "$(head -c 300 "$MK_STATE/wget.err")" >"$err"
        fi
    fi
    if [ "$code" -eq 0 ]; then
        mk_say "task $1: $(mk_program "$2")"
        (cd "$MK_WORK" && exec sh -c "$MK_PRELUDE
$2") </dev/null >"$out" 2>"$err"
        code=$?
    fi
    mk_say "task $1: exit $code"
    echo "$code" >"$MK_STATE/task.$1.code"
    MK_DONE="$MK_DONE $1"
    [ "$code" -eq 0 ] && return 0
    case " $4 " in
        *" $code "*) ;;
        *) MK_STOP=1; mk_say "task $1 failed: the remaining tasks are skipped" ;;
    esac
}

mk_merge() {  # DOC: every task run written into DOC: stdout, stderr, error (null or {code, killed, signal, cmd})
    local i
    for i in $MK_DONE; do  # a newline after each file, which the reader drops: so it tells a final NUL from none
        printf '\n' >>"$MK_STATE/task.$i.stdout"
        printf '\n' >>"$MK_STATE/task.$i.stderr"
    done
    mk_json merge "$1" "$MK_DONE" >"$1.new" && mv "$1.new" "$1"
}

mk_real() {  # NAME → the path of a real program NAME on PATH's usual directories (not a busybox applet)
    local dir
    for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        [ -f "$dir/$1" ] || continue
        case "$(readlink -f "$dir/$1")" in */busybox) ;; *) echo "$dir/$1"; return 0 ;; esac
    done
    return 1
}

mk_run_document() {  # DOC: run its tasks (bootstrap.js runAll), results written into DOC; 1: not a task document
    MK_EXIT="" MK_STOP=0 MK_DONE="" MK_PRELUDE=""
    # busybox ash runs its own applets before PATH's programs: a bare `ip` in a task must reach iproute2's
    MK_IP=$(mk_real ip) && MK_PRELUDE="ip() { $MK_IP \"\$@\"; }"
    mkdir -p "$MK_WORK" "$MK_STATE"
    mk_json plan "$1" >"$MK_STATE/plan.sh" 2>/dev/null && [ -s "$MK_STATE/plan.sh" ] || return 1
    . "$MK_STATE/plan.sh"
    mk_merge "$1"
}

# -- the conversation ------------------------------------------------------------------------------
mk_bootstrap() {  # → TASKS_PATH from bootstrap.js
    local try=1
    until mk_get "/api/current/tasks/bootstrap.js?macAddress=$MAC" "$MK_STATE/bootstrap.js"; do
        [ "$try" -ge "$MK_BOOTSTRAP_TRIES" ] && mk_fatal "bootstrap.js never answered 200"
        [ "$try" -eq 1 ] || [ $((try % 30)) -eq 0 ] && mk_say "bootstrap.js: $(head -c 200 "$MK_STATE/wget.err")"
        try=$((try + 1))
        sleep "$MK_POLL"
    done
    TASKS_PATH=$(mk_tasks_path "$MK_STATE/bootstrap.js")
    [ -n "$TASKS_PATH" ] || mk_fatal "bootstrap.js has no tasksPath = '/api/current/tasks/<id>' line"
    mk_say "bootstrap.js: tasks at $TASKS_PATH"
}

mk_task_loop() {
    local doc=$MK_STATE/document.json idle=0
    while :; do
        if mk_get "$TASKS_PATH" "$doc" && mk_run_document "$doc"; then
            idle=0
            mk_post "$TASKS_PATH" "$doc" && mk_say "results posted"
            if [ -n "$MK_EXIT" ]; then
                mk_say "exit $MK_EXIT: rebooting"
                mk_reboot
                return 0
            fi
        else
            [ $((idle % 30)) -eq 0 ] && mk_say "no task document yet"
            idle=$((idle + 1))
            sleep "$MK_POLL"
        fi
    done
}

# -- boot ------------------------------------------------------------------------------------------
mk_mount() {
    mkdir -p /proc /sys /dev /tmp /run
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev
    mount -t tmpfs tmpfs /tmp
}

mk_load_modules() {
    local loaded=""
    [ -r "$MK_MODULES/modules.order" ] || return 0
    while read -r name args; do  # a line: the module's file, then its arguments
        [ -n "$name" ] || continue
        # shellcheck disable=SC2086 # the arguments are words
        if insmod "$MK_MODULES/$name" $args 2>"$MK_STATE/insmod.err"; then
            loaded="$loaded ${name%.ko}"
        else
            mk_say "module $name: $(cat "$MK_STATE/insmod.err")"
        fi
    done <"$MK_MODULES/modules.order"
    mk_say "modules:$loaded"
}

mk_network() {  # → IFACE and MAC, the NIC up with a DHCP lease
    local cmdline bootif try=0
    cmdline=$(cat /proc/cmdline)
    API_CB=$(mk_cmdline_value API_CB "$cmdline") || mk_fatal "no API_CB=host:port on the kernel command line"
    bootif=$(mk_cmdline_value BOOTIF "$cmdline")
    MAC=$(mk_bootif_mac "$bootif")
    IFACE=""
    while [ -z "$IFACE" ] && [ "$try" -lt 50 ]; do
        if [ -n "$MAC" ]; then IFACE=$(mk_find_iface "$MAC"); elif [ -e /sys/class/net/eth0 ]; then IFACE=eth0; fi
        [ -n "$IFACE" ] || { try=$((try + 1)); sleep 0.1; }
    done
    [ -n "$IFACE" ] || mk_fatal "no network interface (BOOTIF=${bootif:-unset}; have: $(ls /sys/class/net))"
    [ -n "$MAC" ] || MAC=$(cat "/sys/class/net/$IFACE/address")
    mk_say "API_CB=$API_CB; $IFACE has $MAC"
    ip link set lo up
    ip link set "$IFACE" up
    udhcpc -i "$IFACE" -q -n -t 10 -s /usr/share/udhcpc/default.script >"$MK_STATE/udhcpc.log" 2>&1 ||
        mk_fatal "no DHCP lease on $IFACE: $(tail -n 3 "$MK_STATE/udhcpc.log")"
    mk_say "$IFACE: $(ip -4 addr show dev "$IFACE" | sed -n 's/.*inet \([0-9.\/]*\).*/\1/p' | head -n 1)"
}

mk_main() {
    export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
    mk_mount
    mkdir -p "$MK_STATE" "$MK_WORK"
    [ -r /etc/hostname ] && hostname "$(cat /etc/hostname)"
    mk_say "up: kernel $(uname -r)"
    mk_load_modules
    mk_network
    mk_bootstrap
    mk_task_loop
    mk_fatal "task loop ended"
}

[ "${MK_LIB:-0}" = 1 ] && return 0
mk_main "$@"
mk_fatal "init returned"
