#!/bin/bash
#SBATCH --job-name=movie
#SBATCH --chdir=/scratch/pvrun/run-1
#SBATCH --output=/scratch/pvrun/run-1/jobs/r1/job-%a.out
#SBATCH --ntasks=1
#SBATCH --no-requeue
#SBATCH --time=00:30:00
#SBATCH --array=0-3
#SBATCH --signal=B:USR1@60
# pvrun job script for Slurm: Slurm writes stdout and stderr to the --output file above and sets
# SLURM_ARRAY_TASK_ID in each array element.
# ---- shared body: org/pvrun/templates/_body.sh.mustache ----
# No "set -e": whatever fails, the exit file at the end must still be written.
# "set -u" guards pvrun's own lines only: the setup lines (module scripts and the like) are often not
# written for it, so it is switched off before them.
set -u
export PVRUN_ARRAY_INDEX="${SLURM_ARRAY_TASK_ID:-0}"
pvrun_job_dir=/scratch/pvrun/run-1/jobs/r1
# The scheduler's signal before the wall time (SIGUSR1, which would end this shell) leaves job-I.stop: the
# split animation task then running stops after the frame it is on, and pvrun submits the rest
# (docs/animations.md#wall-time). A file, not the signal passed on: pvbatch may still be starting, and every
# rank sees it. bash runs a trap only between commands, so the launch below runs in the background.
trap ': >"$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.stop"' USR1

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
set +u

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
    pvbatch driver.py &
    pvrun_launch_pid=$!
    while :; do
        wait "$pvrun_launch_pid"
        pvrun_rc=$?
        # 138 (128 + SIGUSR1) is the wait cut short by the trap while the launch goes on: wait again; once the
        # launch has ended, wait gives its own status
        [ "$pvrun_rc" -eq 138 ] || break
        kill -0 "$pvrun_launch_pid" 2>/dev/null || { wait "$pvrun_launch_pid"; pvrun_rc=$?; break; }
    done
    [ -e "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.again" ] || break
done
pvrun_finish "$pvrun_rc"
