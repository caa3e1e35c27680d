#!/usr/bin/env bash
# stack.sh — bootstrap this machine for rackharness, then run `rackharness VERB ...` from .venv.
#
# Usage:
#   ./stack.sh up [--nodes N] [--provider local] [--config FILE] [--set KEY=VALUE]   bring a rack up
#   ./stack.sh up --keep-data | --restart          keep an earlier run's data / replace a rack up with other settings
#   ./stack.sh up --discover                       ... and have the target discover every node
#   ./stack.sh up --target URL --southbound-url URL   test a RackHD you run (docs/real-rackhd.md)
#   ./stack.sh up --services-only                  RabbitMQ and the Mongo store only, for a RackHD you run
#   ./stack.sh up --provider isolated              record an isolated rack (nose2 runs it in-process)
#   ./stack.sh up --provider physical --inventory FILE   record a lab (docs/inventory.md); provisions nothing
#   ./stack.sh up --provider vagrant [--nodes N] [--discover]   real VMs that PXE-boot (docs/vagrant.md)
#   ./stack.sh status [--json] [--show-secrets]    what is up
#   ./stack.sh logs [SERVICE] [-n LINES]           service logs (rabbitmq, mongo, rack, target; a node's console)
#   ./stack.sh down [--force] [--purge]            stop everything up started (--purge: and delete its data)
#   ./stack.sh config|matrix|inventory|tapes|diff|microkernel ...   any other rackharness command
#   ./stack.sh VERB --help                         that command's options
#   ./stack.sh test                                what CI runs: lint, the harness's own tests, the suite
#                                                  isolated, on Python 3.12 and 3.13, replayed from tapes,
#                                                  and against a local stack
#   ./stack.sh test lint|harness|isolated|pythons|replay|stack   one of those (lint: ruff check and
#                                                  ruff format --check; pythons: the unit tests and the
#                                                  isolated suite on Python 3.12 and 3.13; replay: the suite
#                                                  from fixtures/tapes, no service)
#   ./stack.sh test MODULE...                      those harness tests (e.g. tests.unit.cli)
#
# Bootstrap, before every verb (idempotent, quick when done; counted steps on stderr, pip's and apt's
# output in full only on a failure): as root, the Debian packages the verb needs (rabbitmq-server,
# ipmitool, freeipmi-tools; faketime for test; libvirt, QEMU and vagrant for the vagrant provider and
# test harness; python3-venv if missing), otherwise the exact apt-get command and exit 2; then a
# virtualenv in .venv (RACKHARNESS_VENV) made with python3 (PYTHON), rackharness installed in it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="${RACKHARNESS_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
verb="${1:-}"

die() { echo "stack.sh: error: $1" >&2; [ -n "${2:-}" ] && echo "Hint: $2" >&2; exit "${3:-2}"; }
# the comment block at the top of this file, whatever its length
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

# The bootstrap's steps, counted on stderr (stdout stays the command's: `status --json` is read by tools).
bootstrap_steps=3
step() { echo "stack.sh: [$1/$bootstrap_steps] $2" >&2; }
# count_lines: pip's or apt's output in, one line counting the packages out, redrawn in place
count_lines() {
    local line n=0 got=0 shown="" width
    local -a f
    width=$(( $(tput cols 2>/dev/null || echo 100) - 1 ))
    while IFS= read -r line; do
        read -ra f <<<"$line"
        case "$line" in
            "Collecting "*) n=$((n + 1)); shown="$(printf '%4d packages collected (%s)' "$n" "${f[1]}")" ;;
            "Installing collected packages:"*) shown="$(printf '%4d packages collected, installing ...' "$n")" ;;
            "Successfully installed "*) shown="$(printf '%4d packages installed' $(( ${#f[@]} - 2 )))" ;;
            Get:*) [ ${#f[@]} -ge 8 ] || continue  # a package, not a package list
                   got=$((got + 1)); shown="$(printf '%4d packages downloaded (%s)' "$got" "${f[4]}")" ;;
            "Setting up "*) n=$((n + 1)); shown="$(printf '%4d packages set up (%s)' "$n" "${f[2]}")" ;;
            *) continue ;;
        esac
        printf '\r\033[K%s' "${shown:0:$width}" >&2
    done
    [ -z "$shown" ] || printf '\n' >&2
}
# run_logged WHAT CMD...: run CMD with its output in a log; on a terminal one counting line, otherwise
# nothing; on a failure the log's last lines and where the rest is, then exit 1
run_logged() {
    local what=$1 log rc=0
    shift
    log="$(mktemp "${TMPDIR:-/tmp}/stack.sh-bootstrap.XXXXXX")"
    if [ -t 2 ]; then
        set +e; "$@" 2>&1 | tee "$log" | count_lines; rc=${PIPESTATUS[0]}; set -e
    else
        "$@" >"$log" 2>&1 || rc=$?
    fi
    if [ "$rc" -ne 0 ]; then
        echo "stack.sh: $what failed (exit $rc); its output's last 40 lines:" >&2
        tail -n 40 "$log" | sed 's/^/    /' >&2
        die "$what failed; the whole output is in $log" "fix what it says, then run ./stack.sh ${verb:-up} again" 1
    fi
    rm -f "$log"
}

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
    step 1 "installing Debian packages: ${missing[*]} (about 1-3 min)..."
    # The rabbitmq-server package would start a system broker on 5672; rackharness runs its own
    # on private ports, so keep postinst scripts from starting services.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; added_policy=1; fi
    # shellcheck disable=SC2064  # the trap removes the policy file this call added, however it ends
    [ $added_policy -eq 1 ] && trap "rm -f '$policy'" EXIT
    run_logged "apt-get install ${missing[*]}" bash -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"' apt \
        "${missing[@]}"
    if [ $added_policy -eq 1 ]; then rm -f "$policy"; trap - EXIT; fi
    return 0
}

ensure_venv() {
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null ||
        die "rackharness needs Python 3.11 or newer as '$python'" "set PYTHON=/path/to/python3.11"
    if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then need_debs python3-venv; fi
    local marker="$venv/.rackharness-installed" stamp
    stamp="$(cat setup.py pyproject.toml | sha256sum | cut -c1-16)"  # the packaging: either file changing reinstalls
    if [ -x "$venv/bin/python" ] && [ "$(cat "$marker" 2>/dev/null)" = "$stamp" ]; then return 0; fi
    local took="about 1-2 min on a first run"
    if [ ! -x "$venv/bin/python" ]; then
        step 2 "creating the virtualenv $venv ($("$python" -c 'import sys; print("Python", sys.version.split()[0])'))..."
        run_logged "$python -m venv $venv" "$python" -m venv "$venv"
    else
        took="the packaging changed since the last install; usually under a minute"
    fi
    step 3 "installing Python packages into $venv ($took)..."
    run_logged "pip install into $venv" "$venv/bin/python" -m pip install --disable-pip-version-check \
        --progress-bar off -e ".[embedded-mongo,test,isolated,vagrant]"
    echo "stack.sh: bootstrap done; $venv/bin has rackharness, nose2, pytest and ruff" >&2
    echo "$stamp" > "$marker"
}

# the vagrant provider (docs/vagrant.md): libvirt/QEMU and vagrant, and the microkernel's inputs
vagrant_debs=(vagrant vagrant-libvirt libvirt-daemon-system qemu-system-x86 ipxe-qemu)
microkernel_debs=(busybox-static dmidecode pciutils iproute2 jq lshw cpio)

case "$verb" in
    ""|-h|--help|help) usage; exit 0 ;;
    up)  # the isolated provider runs no RabbitMQ, no Mongo and no ipmitool
        case " ${*:2} ${RACKHARNESS_PROVIDER:+--provider $RACKHARNESS_PROVIDER} " in
            *" --provider isolated "*|*" --provider=isolated "*|*" --provider physical "*|*" --provider=physical "*) ;;
            *" --provider vagrant "*|*" --provider=vagrant "*)  # real VMs, and what the microkernel is built from
                need_debs rabbitmq-server ipmitool freeipmi-tools "${vagrant_debs[@]}" "${microkernel_debs[@]}" ;;
            *) need_debs rabbitmq-server ipmitool freeipmi-tools ;;
        esac ;;
    test) case "${2:-}" in
              isolated|replay|pythons|lint) ;;  # pythons: a unit test that needs a tool skips without it
              # the harness's own tests boot the microkernel and a vagrant rack of one VM
              harness|all|"") need_debs rabbitmq-server ipmitool freeipmi-tools faketime "${vagrant_debs[@]}" \
                                  "${microkernel_debs[@]}" ;;
              *) need_debs rabbitmq-server ipmitool freeipmi-tools faketime ;;
          esac ;;
esac
ensure_venv

# Time budgets (seconds) of the test stages, set here only: each is the timeout of its stage's command.
# .ci/run's header and README.md ("Time budget") show the same table; tests/unit/test_time_budgets.py checks
# that the three agree. CI allows 90 minutes; .ci/run caps the whole run at 2700 s (45 min), bootstrap included.
budget_harness=2000      # measured ~21 min: unit and functional tests, one real VM
budget_isolated=300      # measured ~20 s
budget_pythons=540       # the unit tests and the isolated suite on Python 3.12 and 3.13 (tox)
budget_replay=120        # measured ~2 s
budget_lint=120          # measured ~2 s: ruff check and ruff format --check
budget_stack_up=180      # `up` of the 8-node stack ...
budget_stack_suite=420   # ... and the suite against it (~1.5 min for both)
harness_tests() { timeout --kill-after=30 "$budget_harness" "$venv/bin/python" -m nose2 --config tests/harness.cfg --full-tracebacks tests.unit tests.functional; }
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
        timeout --kill-after=30 "$budget_isolated" "$venv/bin/python" -m nose2 || { local rc=$?; show_failures; return $rc; }
}
# the unit tests and the isolated suite on Python 3.12 and 3.13 with tox (tox.ini; 3.11 is .venv's, run by the
# harness and isolated stages). Each python3.X: pyenv's newest 3.X.N (PYENV_ROOT, else ~/.pyenv: its shims
# answer only for the active version), else one on PATH that runs; a version found neither way is skipped,
# saying so. Envs live in .tox/ and are reused while the packaging is unchanged.
pythons_tox=4.67.16
pythons_suite() {
    local pyenv="${PYENV_ROOT:-$HOME/.pyenv}" v exe dirs="" envs=() list
    for v in 3.12 3.13; do
        exe="$(ls -d "$pyenv/versions/$v".[0-9]*/bin/"python$v" 2>/dev/null | grep -E "/$v\.[0-9]+/bin/" | sort -V | tail -n 1)" || true
        if [ -n "$exe" ] && "$exe" -c '' 2>/dev/null; then
            dirs="$dirs${exe%/*}:"
        elif ! { exe="$(command -v "python$v")" && "$exe" -c '' 2>/dev/null; }; then
            echo "stack.sh: Python $v: skipped: no python$v in $pyenv/versions nor on PATH" >&2
            continue
        fi
        echo "stack.sh: Python $v: $exe ($("$exe" -c 'import sys; print(sys.version.split()[0])'))" >&2
        envs+=("py${v/./}")
    done
    [ ${#envs[@]} -gt 0 ] || { echo "stack.sh: no Python 3.12 or 3.13 here: nothing to run" >&2; return 0; }
    "$venv/bin/python" -c "import sys, tox; sys.exit(tox.__version__ != '$pythons_tox')" 2>/dev/null ||
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "tox==$pythons_tox" >&2 || return 1
    list="$(IFS=,; echo "${envs[*]}")"
    # side by side (one per core; each env's output shown whole when it ends)
    echo "stack.sh: unit tests and the isolated suite on ${envs[*]}: tox run-parallel -e $list" >&2
    PATH="$dirs$PATH" timeout --kill-after=30 "$budget_pythons" "$venv/bin/tox" run-parallel -p auto \
        --parallel-no-spinner -e "$list"
}
lint() {  # the project's ruff settings ([tool.ruff] in pyproject.toml); .pre-commit-config.yaml runs the same
    echo "stack.sh: lint: ruff check . && ruff format --check ." >&2
    timeout --kill-after=30 "$budget_lint" "$venv/bin/ruff" check --quiet . &&
        timeout --kill-after=30 "$budget_lint" "$venv/bin/ruff" format --check --quiet . ||
        { echo "stack.sh: lint failed: .venv/bin/ruff check --fix . && .venv/bin/ruff format . fixes most of it" >&2; return 1; }
}
replay_suite() {  # the committed reference tapes, no service at all (docs/record-replay.md)
    echo "stack.sh: the black-box suite replayed from fixtures/tapes: RACKHARNESS_RECORD_MODE=none nose2" >&2
    env -u RACKHARNESS_STATE_DIR -u RACKHARNESS_TARGET_URL -u RACKHARNESS_CONFIG -u RACKHARNESS_MODE \
        -u RACKHARNESS_TAPES_DIR -u RACKHARNESS_TAPES_SET RACKHARNESS_RECORD_MODE=none \
        timeout --kill-after=30 "$budget_replay" "$venv/bin/python" -m nose2 || { local rc=$?; show_failures; return $rc; }
}
stack_suite() {  # a private local stack on ports clear of the defaults and of the functional tests'
    local state rc=0
    state="$(mktemp -d "${TMPDIR:-/tmp}/rackharness-ci.XXXXXX")"
    echo "stack.sh: the black-box suite against a local stack with real services (state $state)" >&2
    local -a run=(env -u RACKHARNESS_MODE -u RACKHARNESS_TARGET_URL -u RACKHARNESS_CONFIG "RACKHARNESS_STATE_DIR=$state")
    "${run[@]}" timeout "$budget_stack_up" "$venv/bin/rackharness" up --nodes 8 --set amqp.port=23672 --set amqp.dist_port=23673 \
        --set amqp.epmd_port=23369 --set mongo.port=23017 --set target.port=23080 --set target.auth_port=23443 --set bmc.base_port=23230 &&
        "${run[@]}" timeout --kill-after=30 "$budget_stack_suite" "$venv/bin/python" -m nose2 || { rc=$?; show_failures; }
    "${run[@]}" "$venv/bin/rackharness" down --force --purge >/dev/null || { [ $rc -ne 0 ] || rc=1; }
    rm -rf "$state"
    return $rc
}

if [ "$verb" = "test" ]; then
    shift
    case "${1:-all}" in
        lint) lint; exit ;;
        harness) harness_tests; exit ;;
        isolated) isolated_suite; exit ;;
        pythons) pythons_suite; exit ;;
        replay) replay_suite; exit ;;
        stack) stack_suite; exit ;;
        all) failed=()  # each stage has its time budget (budget_* above): CI as a whole stays under 45 minutes
             stage lint lint || failed+=(lint)
             stage harness harness_tests || failed+=(harness)
             stage isolated isolated_suite || failed+=(isolated)
             stage pythons pythons_suite || failed+=(pythons)
             stage replay replay_suite || failed+=(replay)
             stage stack stack_suite || failed+=(stack)
             [ ${#failed[@]} -eq 0 ] || die "failed: ${failed[*]} (see above)" "" 1
             exit 0 ;;
        *) exec "$venv/bin/python" -m nose2 --config tests/harness.cfg "$@" ;;
    esac
fi
# RACKHARNESS_VIA: messages then name `./stack.sh VERB`, which works here (rackharness/invocation.py)
RACKHARNESS_VIA="$0" exec "$venv/bin/rackharness" "$@"
