#!/bin/bash
# pvrun job script without a scheduler: pvrun starts it detached (setsid nohup bash SCRIPT &), so it records
# its own pid first and sends its own output to the job's .out file.
# Several jobs of one run share this script: pvrun starts each with PVRUN_ARRAY_INDEX in its environment.
pvrun_job_dir='/home/me/pv runs/it'"'"'s run-1/jobs/j0'
pvrun_i="${PVRUN_ARRAY_INDEX:-0}"
printf '%s\n' "$$" >"$pvrun_job_dir/job-$pvrun_i.pid.tmp" && mv -f "$pvrun_job_dir/job-$pvrun_i.pid.tmp" "$pvrun_job_dir/job-$pvrun_i.pid"
exec >"$pvrun_job_dir/job-$pvrun_i.out" 2>&1 </dev/null
# ---- shared body: org/pvrun/templates/_body.sh.mustache ----
# No "set -e": whatever fails, the exit file at the end must still be written.
# "set -u" guards pvrun's own lines only: the setup lines (module scripts and the like) are often not
# written for it, so it is switched off before them.
set -u
export PVRUN_ARRAY_INDEX="${PVRUN_ARRAY_INDEX:-0}"
pvrun_job_dir='/home/me/pv runs/it'"'"'s run-1/jobs/j0'

# The exit file is the job's verdict, read by pvrun even after the scheduler has forgotten the job. It is
# written under a temporary name and renamed, so a reader never sees a half-written number.
# pvrun_finish STATUS [WHY]: the exit file's first word is the status; WHY, when given, says why the job
# ended before pvbatch (a failed setup line).
pvrun_finish() {
    printf '%s\n' "$1${2:+ $2}" >"$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.exit.tmp" &&
        mv -f "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.exit.tmp" "$pvrun_job_dir/job-$PVRUN_ARRAY_INDEX.exit"
    exit "$1"
}

cd '/home/me/pv runs/it'"'"'s run-1' || pvrun_finish 1

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
