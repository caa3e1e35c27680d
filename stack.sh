#!/usr/bin/env bash
# stack.sh — bootstrap this machine for rackharness, then run `rackharness VERB ...`.
#
#   ./stack.sh up [--nodes N] [--provider local]   bring a rack up
#   ./stack.sh up --discover                       ... and have the target discover every node
#   ./stack.sh up --target URL --southbound-url URL   test a RackHD you run (docs/real-rackhd.md)
#   ./stack.sh up --services-only                  RabbitMQ and the Mongo store only, for a RackHD you run
#   ./stack.sh status [--json] [--show-secrets]    what is up
#   ./stack.sh logs [SERVICE]                      service logs
#   ./stack.sh down [--purge]                      stop everything up started (--purge: and delete its data)
#   ./stack.sh up --provider isolated              record an isolated rack (nose2 runs it in-process)
#   ./stack.sh up --provider physical --inventory FILE   record a lab (docs/inventory.md); provisions nothing
#   ./stack.sh up --provider vagrant [--nodes N] [--discover]   real VMs that PXE-boot (docs/vagrant.md)
#   ./stack.sh test                                what CI runs: the harness's own tests, the suite
#                                                  isolated, replayed from tapes, and against a local stack
#   ./stack.sh test harness|isolated|replay|stack  one of those; test MODULE... runs those tests
#                                                  (replay: the suite from fixtures/tapes, no service)
#
# Bootstrap (idempotent, quick when done): the Debian packages (rabbitmq-server, ipmitool,
# freeipmi-tools, python3-venv) when run as root, else the exact apt command and exit 2; a
# virtualenv in .venv with rackharness installed in it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="${RACKHARNESS_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
verb="${1:-}"

die() { echo "stack.sh: error: $1" >&2; [ -n "${2:-}" ] && echo "Hint: $2" >&2; exit "${3:-2}"; }

need_debs() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        die "missing packages: ${missing[*]} (and apt-get is not available here)" \
            "install ${missing[*]} with this system's package manager, then run ./stack.sh $verb again"
    fi
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages: ${missing[*]}" \
            "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    echo "stack.sh: installing Debian packages: ${missing[*]}" >&2
    # The rabbitmq-server package would start a system broker on 5672; rackharness runs its own
    # on private ports, so keep postinst scripts from starting services.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; added_policy=1; fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 || {
        [ $added_policy -eq 1 ] && rm -f "$policy"
        die "apt-get install ${missing[*]} failed" "see the apt output above" 1
    }
    [ $added_policy -eq 1 ] && rm -f "$policy"
    return 0
}

ensure_venv() {
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null ||
        die "rackharness needs Python 3.11 or newer as '$python'" "set PYTHON=/path/to/python3.11"
    if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then need_debs python3-venv; fi
    local marker="$venv/.rackharness-installed" stamp
    stamp="$(cat setup.py | sha256sum | cut -c1-16)"
    if [ -x "$venv/bin/python" ] && [ "$(cat "$marker" 2>/dev/null)" = "$stamp" ]; then return 0; fi
    echo "stack.sh: preparing $venv" >&2
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[embedded-mongo,test,isolated,vagrant]" >&2 ||
        die "pip install into $venv failed" "see the pip output above" 1
    echo "$stamp" > "$marker"
}

# the vagrant provider (docs/vagrant.md): libvirt/QEMU and vagrant, and the microkernel's inputs
vagrant_debs=(vagrant vagrant-libvirt libvirt-daemon-system qemu-system-x86 ipxe-qemu)
microkernel_debs=(busybox-static dmidecode pciutils iproute2 jq lshw cpio)

case "$verb" in
    ""|-h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    up)  # the isolated provider runs no RabbitMQ, no Mongo and no ipmitool
        case " ${*:2} ${RACKHARNESS_PROVIDER:+--provider $RACKHARNESS_PROVIDER} " in
            *" --provider isolated "*|*" --provider=isolated "*|*" --provider physical "*|*" --provider=physical "*) ;;
            *" --provider vagrant "*|*" --provider=vagrant "*)  # real VMs, and what the microkernel is built from
                need_debs rabbitmq-server ipmitool freeipmi-tools "${vagrant_debs[@]}" "${microkernel_debs[@]}" ;;
            *) need_debs rabbitmq-server ipmitool freeipmi-tools ;;
        esac ;;
    test) case "${2:-}" in
              isolated|replay) ;;
              # the harness's own tests boot the microkernel and a vagrant rack of one VM
              harness|all|"") need_debs rabbitmq-server ipmitool freeipmi-tools faketime "${vagrant_debs[@]}" \
                                  "${microkernel_debs[@]}" ;;
              *) need_debs rabbitmq-server ipmitool freeipmi-tools faketime ;;
          esac ;;
esac
ensure_venv

# time budgets (seconds): CI as a whole stays under 45 minutes
harness_tests() { timeout --kill-after=30 2000 "$venv/bin/python" -m nose2 --config tests/harness.cfg --full-tracebacks tests.unit tests.functional; }
# stage NAME FUNCTION: run a stage and say how long it took (each stage's commands carry their budget)
stage() {
    local name=$1 began=$SECONDS rc=0
    shift
    "$@" || rc=$?
    echo "stack.sh: stage $name took $((SECONDS - began)) s (exit $rc)" >&2
    return $rc
}
# the suite prints failures in short; on a failure CI shows the whole report too
show_failures() { [ -s nose2-failures.log ] && { echo "stack.sh: the full failure report (nose2-failures.log):" >&2; cat nose2-failures.log >&2; }; return 0; }
isolated_suite() {
    echo "stack.sh: the black-box suite, isolated: RACKHARNESS_MODE=isolated nose2" >&2
    env -u RACKHARNESS_STATE_DIR -u RACKHARNESS_TARGET_URL -u RACKHARNESS_CONFIG RACKHARNESS_MODE=isolated \
        timeout --kill-after=30 300 "$venv/bin/python" -m nose2 || { local rc=$?; show_failures; return $rc; }
}
replay_suite() {  # the committed reference tapes, no service at all (docs/record-replay.md)
    echo "stack.sh: the black-box suite replayed from fixtures/tapes: RACKHARNESS_RECORD_MODE=none nose2" >&2
    env -u RACKHARNESS_STATE_DIR -u RACKHARNESS_TARGET_URL -u RACKHARNESS_CONFIG -u RACKHARNESS_MODE \
        -u RACKHARNESS_TAPES_DIR -u RACKHARNESS_TAPES_SET RACKHARNESS_RECORD_MODE=none \
        timeout --kill-after=30 120 "$venv/bin/python" -m nose2 || { local rc=$?; show_failures; return $rc; }
}
stack_suite() {  # a private local stack on ports clear of the defaults and of the functional tests'
    local state rc=0
    state="$(mktemp -d "${TMPDIR:-/tmp}/rackharness-ci.XXXXXX")"
    echo "stack.sh: the black-box suite against a local stack with real services (state $state)" >&2
    local -a run=(env -u RACKHARNESS_MODE -u RACKHARNESS_TARGET_URL -u RACKHARNESS_CONFIG "RACKHARNESS_STATE_DIR=$state")
    "${run[@]}" timeout 180 "$venv/bin/rackharness" up --nodes 8 --set amqp.port=23672 --set amqp.dist_port=23673 \
        --set amqp.epmd_port=23369 --set mongo.port=23017 --set target.port=23080 --set target.auth_port=23443 --set bmc.base_port=23230 &&
        "${run[@]}" timeout --kill-after=30 420 "$venv/bin/python" -m nose2 || { rc=$?; show_failures; }
    "${run[@]}" "$venv/bin/rackharness" down --force --purge >/dev/null || { [ $rc -ne 0 ] || rc=1; }
    rm -rf "$state"
    return $rc
}

if [ "$verb" = "test" ]; then
    shift
    case "${1:-all}" in
        harness) harness_tests; exit ;;
        isolated) isolated_suite; exit ;;
        replay) replay_suite; exit ;;
        stack) stack_suite; exit ;;
        all) failed=()  # each stage has a time budget (seconds): CI as a whole stays under 45 minutes
             stage harness harness_tests || failed+=(harness)
             stage isolated isolated_suite || failed+=(isolated)
             stage replay replay_suite || failed+=(replay)
             stage stack stack_suite || failed+=(stack)
             [ ${#failed[@]} -eq 0 ] || die "failed: ${failed[*]} (see above)" "" 1
             exit 0 ;;
        *) exec "$venv/bin/python" -m nose2 --config tests/harness.cfg "$@" ;;
    esac
fi
exec "$venv/bin/rackharness" "$@"
