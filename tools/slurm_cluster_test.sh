#!/usr/bin/env bash
# Runs a small sweep through a real one-node Slurm cluster on loopback and
# checks that `nnvp sweep --backend slurm` gives the local backend's rows
# (docs/slurm.md). Starts, without systemd and in a temporary folder: munged
# as user munge with its own key and socket, slurmctld and slurmd (SlurmUser
# root) with a minimal slurm.conf for this host. Then: the sweep with
# --backend slurm (waiting), one point's result removed and resubmitted alone
# (--collect --resubmit), the same sweep with --no-wait and --collect, and
# the local backend in the first sweep's folder; its sweep.csv must equal the
# first one byte for byte apart from the wall_s column (host wall-clock
# time), the --no-wait one's also apart from the folder's path in dir.
# Stops every daemon it started on exit.
#
#   tools/slurm_cluster_test.sh [NNVP_BINARY] [SWEEP.json]
#
# Exit codes: 0 pass, 1 fail, 77 skipped (Slurm or munge not installed, or
# not root: munged must be started as user munge and slurmd as root).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
nnvp=$(realpath "${1:-$here/build/nnvp}")
sweep=$(realpath "${2:-$here/scenarios/sweeps/slurm_smoke.json}")

since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }  # seconds, a to b
skip() { echo "slurm_cluster_test: SKIPPED: $*"; exit 77; }
fail() { echo "slurm_cluster_test: FAILED: $*"; exit 1; }
for tool in munged slurmctld slurmd sbatch squeue sinfo runuser; do
  command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool not found (apt-get install slurmctld slurmd munge slurm-client)"
done
for pkg in slurmctld slurmd munge slurm-client; do  # installed and configured (tools/setup.sh)
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    skip "package $pkg is not installed and configured (tools/setup.sh installs it where it can)"
done
id munge >/dev/null 2>&1 || skip "no user munge (the munge package creates it)"
[ "$(id -u)" -eq 0 ] || skip "must run as root (munged runs as user munge, slurmd as root)"
[ -x "$nnvp" ] || fail "$nnvp: no nnvp binary"

start=$(date +%s.%N)
# Every step runs under `timeout` with what is left of one budget, so the
# whole test ends (and stops its daemons) within about 100 s whatever hangs.
deadline=$(( $(date +%s) + ${NNVP_SLURM_TEST_BUDGET:-100} ))
left() {
  local s=$((deadline - $(date +%s)))
  [ "$s" -gt 0 ] || s=1  # out of budget: the step times out at once and fails
  echo "$s"
}
tmp=$(mktemp -d /tmp/nnvp-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  # Tasks of this cluster still running (a step that ran out of time) first.
  [ -n "${test_conf:-}" ] && SLURM_CONF=$test_conf timeout 5 scancel --quiet --user="$(id -un)" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -s "$tmp/munge/munged.pid" ] && kill "$(cat "$tmp/munge/munged.pid")" 2>/dev/null
  sleep 0.5
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  if [ "${keep:-0}" = 1 ]; then echo "slurm_cluster_test: logs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
keep=1  # until the end: a failure leaves the daemons' logs to read

# munge: its own key, socket, pid, log and seed files, owned by munge.
mkdir -p "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$tmp/munge"
chmod 700 "$tmp/munge"
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
timeout "$(left)" runuser -u munge -- munged --force --socket="$socket" \
  --key-file="$tmp/munge/munge.key" --pid-file="$tmp/munge/munged.pid" \
  --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" ||
  fail "munged did not start: $(tail -3 "$tmp/munge/munged.log" 2>/dev/null)"

# slurm.conf: this host by name on loopback, its real CPUs and memory.
host=$(hostname -s)
node=$(timeout "$(left)" slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
[[ $node == NodeName=* ]] || fail "slurmd -C printed no node line"
base=$((20000 + $$ % 20000))
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=nnvptest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MaxArraySize=1001
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
test_conf=$tmp/slurm.conf  # this cluster's only: cleanup cancels its jobs
export SLURM_CONF=$test_conf

slurmctld -D -i -f "$SLURM_CONF" > "$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$tmp/slurmd.out" 2>&1 &
pids+=($!)
timeout "$(left)" bash -c 'until sinfo -h -N -o %T 2>/dev/null | grep -qx idle; do sleep 0.3; done' ||
  fail "the node did not become idle: $(sinfo -N 2>&1 | tail -2); $(tail -3 "$tmp/slurmctld.log")"
up=$(date +%s.%N)
printf 'slurm_cluster_test: cluster up in %s s (node %s, %s)\n' "$(since "$start" "$up")" \
  "$host" "$(sinfo -h -N -o '%c CPUs, %m MB')"

# 1. --backend slurm, waiting for the array.
t0=$(date +%s.%N)
timeout "$(left)" "$nnvp" sweep "$sweep" --backend slurm --max-array 2 --out "$tmp/slurm" ||
  fail "nnvp sweep --backend slurm exited $?"
# 1b. A task that left no result (as when Slurm kills it): listed as missing,
# resubmitted alone, and the rows come back the same.
rm -f "$tmp/slurm/p0002/exit_code" "$tmp/slurm/p0002/report.json"
listed=$(timeout "$(left)" "$nnvp" sweep --collect "$tmp/slurm")
[ $? -eq 1 ] && grep -q "p0002 missing" <<< "$listed" || fail "collect did not list p0002: $listed"
timeout "$(left)" "$nnvp" sweep --collect "$tmp/slurm" --resubmit > "$tmp/resubmit.out" ||
  fail "nnvp sweep --collect --resubmit exited $?: $(cat "$tmp/resubmit.out")"
grep -q "1 points (2) resubmitted" "$tmp/resubmit.out" || fail "not only p0002 resubmitted"
grep -q "4 of 4 points ok" "$tmp/resubmit.out" || fail "the resubmitted point did not finish"
cat "$tmp/resubmit.out"
t1=$(date +%s.%N)
# 2. --no-wait, then wait with squeue and --collect.
out=$(timeout "$(left)" "$nnvp" sweep "$sweep" --backend slurm --no-wait --out "$tmp/nowait") ||
  fail "nnvp sweep --backend slurm --no-wait exited $?"
echo "$out"
job=$(echo "$out" | sed -n 's/.*job array \([0-9]*\).*/\1/p')
[ -n "$job" ] || fail "--no-wait printed no job id"
timeout "$(left)" bash -c "while [ -n \"\$(squeue -h --jobs=$job)\" ]; do sleep 0.5; done" ||
  fail "job $job did not finish"
timeout "$(left)" "$nnvp" sweep --collect "$tmp/nowait" || fail "nnvp sweep --collect exited $?"
t2=$(date +%s.%N)
# 3. The local backend, into the Slurm sweep's own folder (its point folders
# removed, so every point runs again): the rows may differ only in wall_s.
cp "$tmp/slurm/sweep.csv" "$tmp/slurm.csv"
rm -rf "$tmp"/slurm/p[0-9]*
timeout "$(left)" "$nnvp" sweep "$sweep" -j 2 --out "$tmp/slurm" > "$tmp/local.out" ||
  fail "nnvp sweep (local) exited $?: $(tail -3 "$tmp/local.out")"
t3=$(date +%s.%N)
grep -q " points (0 already done)" "$tmp/local.out" || fail "the local sweep reused results"

# A sweep.csv without its wall_s column (host wall-clock time, the only
# column that differs between runs of the same points) and, with a second
# argument, with that folder's path written as DIR.
comparable() {
  if [ -n "${2:-}" ]; then sed "s#$2/#DIR/#g" "$1"; else cat "$1"; fi | awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i }
    { line = ""; for (i = 1; i <= NF; i++) if (i != w) line = line (i > 1 ? "," : "") $i; print line }'
}
local_csv=$tmp/slurm/sweep.csv
points=$(($(wc -l < "$local_csv") - 1))
[ "$points" -ge 3 ] || fail "the local sweep has $points rows"
[ "$(grep -c ',ok,0,' "$local_csv")" -eq "$points" ] || fail "a local point failed"
if ! cmp -s <(comparable "$tmp/slurm.csv") <(comparable "$local_csv"); then
  diff <(comparable "$tmp/slurm.csv") <(comparable "$local_csv") | head
  fail "the Slurm backend's sweep.csv differs from the local backend's beyond wall_s"
fi
cmp -s "$tmp/slurm.csv" "$local_csv" && fail "even wall_s is equal: were the points run again?"
if ! cmp -s <(comparable "$tmp/nowait/sweep.csv" "$tmp/nowait") \
            <(comparable "$local_csv" "$tmp/slurm"); then
  diff <(comparable "$tmp/nowait/sweep.csv" "$tmp/nowait") \
       <(comparable "$local_csv" "$tmp/slurm") | head
  fail "the --no-wait sweep's sweep.csv differs beyond wall_s and its folder"
fi
printf 'slurm_cluster_test: %d points; slurm (waiting, then one resubmitted) %s s, slurm --no-wait + --collect %s s, local -j 2 %s s\n' \
  "$points" "$(since "$t0" "$t1")" "$(since "$t1" "$t2")" "$(since "$t2" "$t3")"
echo "slurm_cluster_test: sweep.csv of --backend slurm equal byte for byte to the local backend's apart from wall_s"
echo "slurm_cluster_test: PASSED ($(since "$start" "$(date +%s.%N)") s)"
keep=${NNVP_SLURM_TEST_KEEP:-0}
