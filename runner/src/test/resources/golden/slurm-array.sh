#!/bin/bash
#SBATCH --job-name=wavelet-contour
#SBATCH --chdir=/scratch/pvrun/run-1
#SBATCH --output=/scratch/pvrun/run-1/jobs/j0/job-%a.out
#SBATCH --ntasks=2
#SBATCH --no-requeue
#SBATCH --nodes=1
#SBATCH --partition=debug
#SBATCH --account=proj-42
#SBATCH --time=01:30:00
#SBATCH --mem=4G
#SBATCH --qos=normal
#SBATCH --array=0-3%2
# pvrun job script for Slurm: Slurm writes stdout and stderr to the --output file above and sets
# SLURM_ARRAY_TASK_ID in each array element.
# ---- shared body: org/pvrun/templates/_body.sh.mustache ----
# No "set -e": whatever fails, the exit file at the end must still be written.
# "set -u" guards pvrun's own lines only: the setup lines (module scripts and the like) are often not
# written for it, so it is switched off before them.
set -u
export PVRUN_ARRAY_INDEX="${SLURM_ARRAY_TASK_ID:-0}"
pvrun_job_dir=/scratch/pvrun/run-1/jobs/j0

# The exit file is the job's verdict, read by pvrun even after the scheduler has forgotten the job. It is
# written under a temporary name and renamed, so a reader never sees a half-written number.
# pvrun_finish STATUS [WHY]: the exit file's first word is the status; WHY, when given, says why the job
# ended before pvbatch (a failed setup line).
pvrun_finish() {
    printf '%s\n' "$1${2:+ $2}" >"$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.exit.tmp" &&
        mv -f "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.exit.tmp" "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.exit"
    exit "$1"
}

cd /scratch/pvrun/run-1 || pvrun_finish 1

# OpenMPI refuses to start as root unless both of these are set (containers and test clusters run as root).
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# hwloc (in OpenMPI) would connect to every X server :0 to :9 on the node, and pvbatch die with any that goes away
export HWLOC_COMPONENTS="${HWLOC_COMPONENTS:--gl}"
export LABEL='two words'
export OMP_NUM_THREADS=1
export PV_TITLE='it'"'"'s a "test" with $(touch /tmp/pvrun-pwned) and `id`'
set +u

# setup lines of the target, run verbatim, each checked
pvrun_setup_log="$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.setup.log"
# Each setup line runs in this shell (eval: a module load must change this shell's environment), its output
# also kept in $pvrun_setup_log, so that a failing line stops everything before pvbatch with the line and
# the module system's own words as the reason (Lmod and Environment Modules exit non-zero on an error).
pvrun_setup() {
    eval "$2" >"$pvrun_setup_log" 2>&1
    pvrun_setup_status=$?
    cat "$pvrun_setup_log"
    [ "$pvrun_setup_status" = 0 ] && return 0
    pvrun_setup_failed="setup line $1 failed (exit $pvrun_setup_status): $2: $(head -c 400 "$pvrun_setup_log" |
        tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')"
    return 1
}

pvrun_setup 1 'module load paraview/5.11.0' || { echo "pvrun: $pvrun_setup_failed; pvbatch not started" >&2; pvrun_finish "$pvrun_setup_status" "$pvrun_setup_failed"; }
pvrun_setup 2 'source "$HOME/venvs/pv/bin/activate"' || { echo "pvrun: $pvrun_setup_failed; pvbatch not started" >&2; pvrun_finish "$pvrun_setup_status" "$pvrun_setup_failed"; }
rm -f "$pvrun_setup_log"

# A private X server. With -displayfd, Xvfb picks a free display itself and writes its number once it
# accepts connections, so concurrent jobs on one node never race for a display number.
pvrun_start_xvfb() {
    pvrun_xvfb_file="$pvrun_job_dir/xvfb-$PVRUN_ARRAY_INDEX.display"
    : >"$pvrun_xvfb_file"
    # -noreset: without it Xvfb resets when its last client disconnects and drops connections arriving
    # meanwhile; measured here, 4 of 20 two-rank pvbatch runs then aborted ("bad X server connection")
    Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp -noreset 3>"$pvrun_xvfb_file" \
        >"$pvrun_job_dir/xvfb-$PVRUN_ARRAY_INDEX.log" 2>&1 &
    pvrun_xvfb_pid=$!
    trap 'kill "$pvrun_xvfb_pid" 2>/dev/null' EXIT
    pvrun_wait=0
    while [ ! -s "$pvrun_xvfb_file" ] && [ "$pvrun_wait" -lt 300 ] && kill -0 "$pvrun_xvfb_pid" 2>/dev/null; do
        sleep 0.1
        pvrun_wait=$((pvrun_wait + 1))
    done
    if [ -s "$pvrun_xvfb_file" ]; then
        export DISPLAY=":$(head -n 1 "$pvrun_xvfb_file")"
        echo "pvrun: Xvfb on display $DISPLAY"
    else
        echo "pvrun: Xvfb reported no display within 30 s, see $pvrun_job_dir/xvfb-$PVRUN_ARRAY_INDEX.log" >&2
    fi
}
pvrun_start_xvfb

# where the job ran, for the manifest (one host a line)
pvrun_nodes="${SLURM_JOB_NODELIST:-}"
if [ -n "$pvrun_nodes" ]; then
    # node[1-2] -> node1, node2
    pvrun_nodes=$(scontrol show hostnames "$pvrun_nodes" 2>/dev/null || printf '%s\n' "$pvrun_nodes")
fi
if [ -z "$pvrun_nodes" ] && [ -r "${PBS_NODEFILE:-}" ]; then
    pvrun_nodes=$(sort -u "$PBS_NODEFILE" | paste -sd, -)
fi
if [ -z "$pvrun_nodes" ] && [ -r "${PE_HOSTFILE:-}" ]; then
    pvrun_nodes=$(awk '{print $1}' "$PE_HOSTFILE" | sort -u)
fi
printf '%s\n' "${pvrun_nodes:-$(hostname)}" >"$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.nodes"

# a setup line may have switched errexit on; the launch status must reach the exit file either way
set +e
# A task stopped inside a C++ call at its timeout ends its pvbatch (docs/runtime.md#timeouts); its watchdog
# then leaves job-I.again, and the job's tasks still without a verdict run in a new pvbatch.
while :; do
    rm -f "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.again"
    mpiexec -n 2 pvbatch --force-offscreen-rendering /scratch/pvrun/run-1/driver.py '--title=It'"'"'s $(whoami)' '`id`' ''
    pvrun_rc=$?
    [ -e "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.again" ] || break
done
pvrun_finish "$pvrun_rc"
