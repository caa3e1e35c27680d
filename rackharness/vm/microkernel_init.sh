#!/bin/sh
# /init of the rackharness microkernel (busybox ash): RackHD's bootstrap protocol, spoken with wget and jq.
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

# The document as a plan of shell lines, `mk_task INDEX CMD URL "ACCEPTED CODES"` per task (quoted by jq's @sh),
# MK_EXIT set when it carries `exit`; jq fails on anything but {tasks: [...]}. jq starts slowly under TCG:
# a document costs two jq runs, this one and mk_merge's.
MK_PLAN_JQ='if type == "object" and (.tasks | type) == "array" then
    "mk_say \("document: \(.tasks | length) task(s)" | @sh)",
    (.tasks | to_entries[] | select(.value | type == "object") | .key as $i | .value
     | "mk_task \($i) \(.cmd // "" | tostring | @sh) \(.downloadUrl // "" | tostring | @sh) \(.acceptedResponseCodes
         | if type == "array" then map(select(type == "number") | tostring) | join(" ") else "" end | @sh)"),
    (if .exit != null then "MK_EXIT=\(.exit | tojson | @sh)" else empty end)
  else error("not a task document") end'

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
    local doc=$1 i
    set --
    for i in $MK_DONE; do
        set -- "$@" --rawfile "o$i" "$MK_STATE/task.$i.stdout" --rawfile "e$i" "$MK_STATE/task.$i.stderr" \
            --argjson "c$i" "$(cat "$MK_STATE/task.$i.code")"
    done
    jq "$@" '$ARGS.named as $r | .tasks |= [to_entries[] | .key as $i | .value
        | if $r["c\($i)"] == null then . else .stdout = $r["o\($i)"] | .stderr = $r["e\($i)"]
            | .error = (if $r["c\($i)"] == 0 then null
                        else {code: $r["c\($i)"], killed: false, signal: null, cmd: .cmd} end) end]' \
        "$doc" >"$doc.new" && mv "$doc.new" "$doc"
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
    jq -r "$MK_PLAN_JQ" "$1" >"$MK_STATE/plan.sh" 2>/dev/null && [ -s "$MK_STATE/plan.sh" ] || return 1
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
