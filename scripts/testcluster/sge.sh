# Grid Engine part of scripts/testcluster/start (sourced by it, after its helpers: log, die,
# write_if_changed, wait_pidfile, pid_alive). Defines ensure_sge.
# shellcheck shell=bash
# ---------------------------------------------------------- Grid Engine ----
# Son of Grid Engine 8.1.9 as Debian packages it: SGE_ROOT /var/lib/gridengine, cell "default" (made by
# gridengine-master's postinst), berkeleydb spool under /var/spool/gridengine. The daemons switch to
# sgeadmin themselves; the configuration lives in that spool, so it is made once and then only checked.
SGE_ROOT=/var/lib/gridengine
SGE_CELL=default
SGE_COMMON=$SGE_ROOT/$SGE_CELL/common
SGE_QMASTER_PID=/var/spool/gridengine/qmaster/qmaster.pid
export SGE_ROOT SGE_CELL

# sge_execd_pidfile: the execd names its spool folder after the name it resolves for itself ("localhost"
# here, where the host name resolves to 127.0.0.1): take whichever there is.
sge_execd_pidfile() {
  local f
  for f in /var/spool/gridengine/execd/*/execd.pid; do
    [ -f "$f" ] && { echo "$f"; return; }
  done
  echo /var/spool/gridengine/execd/none/execd.pid
}

# sge_conf OBJECT NAME FILE: add a queue / PE / exec host from FILE unless it exists (qconf -s<o> NAME).
sge_conf() {
  local o=$1 name=$2 file=$3
  qconf -s"$o" "$name" >/dev/null 2>&1 && return 0
  log "Grid Engine: adding $o $name"
  qconf -A"$o" "$file" >"$LOGS/sge-qconf.log" 2>&1 || die "qconf -A$o $name failed" "$LOGS/sge-qconf.log"
}

ensure_sge() {
  local host i
  host=$(hostname)
  if [ ! -f "$SGE_COMMON/bootstrap" ] && [ -x /usr/share/gridengine/scripts/init_cluster ]; then
    # gridengine-master's postinst makes the cell unless debconf said not to (shared/gridengineconfig)
    log "Grid Engine: making cell $SGE_CELL"
    runuser -u sgeadmin -- /usr/share/gridengine/scripts/init_cluster "$SGE_ROOT" "$SGE_CELL" \
      /var/spool/gridengine/spooldb sgeadmin >"$LOGS/sge-init.log" 2>&1 || die "init_cluster failed" "$LOGS/sge-init.log"
  fi
  [ -f "$SGE_COMMON/bootstrap" ] || die "no Grid Engine cell $SGE_COMMON: run scripts/install-deps --test"
  # qmaster and clients must agree on this host's name: the host name may resolve to 127.0.0.1, which
  # resolves back to "localhost" ("access denied (client IP resolved to host name localhost ...)")
  printf '%s\n' "$host" | write_if_changed "$SGE_COMMON/act_qmaster" 0644 || true
  printf '%s localhost\n' "$host" | write_if_changed "$SGE_COMMON/host_aliases" 0644 || true
  chown sgeadmin:sgeadmin "$SGE_COMMON/act_qmaster" "$SGE_COMMON/host_aliases"
  if ! pid_alive "$SGE_QMASTER_PID" sge_qmaster; then
    log "starting Grid Engine qmaster"
    /usr/sbin/sge_qmaster 9>&- || die "sge_qmaster failed to start" /var/spool/gridengine/qmaster/messages
    wait_pidfile "$SGE_QMASTER_PID" sge_qmaster || die "sge_qmaster did not start" /var/spool/gridengine/qmaster/messages
  fi
  for i in $(seq 100); do
    qconf -sh >/dev/null 2>&1 && break
    [ "$i" = 100 ] && die "sge_qmaster does not answer" /var/spool/gridengine/qmaster/messages
    sleep 0.2
  done
  cat >"$STATE/sge/exechost" <<EOF
hostname $host
load_scaling NONE
complex_values NONE
user_lists NONE
xuser_lists NONE
projects NONE
xprojects NONE
usage_scaling NONE
report_variables NONE
EOF
  sge_conf e "$host" "$STATE/sge/exechost"
  qconf -ss 2>/dev/null | grep -qx "$host" || qconf -as "$host" >/dev/null
  # mpi: slots on as few hosts as possible; control_slaves TRUE lets OpenMPI's mpiexec start its daemons
  # on the other hosts with qrsh -inherit (tight integration)
  cat >"$STATE/sge/pe" <<'EOF'
pe_name mpi
slots 999
user_lists NONE
xuser_lists NONE
start_proc_args NONE
stop_proc_args NONE
allocation_rule $fill_up
control_slaves TRUE
job_is_first_task FALSE
urgency_slots min
accounting_summary FALSE
qsort_args NONE
EOF
  sge_conf p mpi "$STATE/sge/pe"
  # all.q: 2 slots, bash scripts started as themselves (unix_behavior honours #!; posix_compliant would run
  # them with the queue's shell), no load threshold (these 2 cores are busy with other work)
  cat >"$STATE/sge/queue" <<EOF
qname all.q
hostlist $host
seq_no 0
load_thresholds NONE
suspend_thresholds NONE
nsuspend 1
suspend_interval 00:05:00
priority 0
min_cpu_interval 00:05:00
processors UNDEFINED
qtype BATCH INTERACTIVE
ckpt_list NONE
pe_list mpi
rerun FALSE
slots 2
tmpdir /tmp
shell /bin/bash
prolog NONE
epilog NONE
shell_start_mode unix_behavior
starter_method NONE
suspend_method NONE
resume_method NONE
terminate_method NONE
notify 00:00:60
owner_list NONE
user_lists NONE
xuser_lists NONE
subordinate_list NONE
complex_values NONE
projects NONE
xprojects NONE
calendar NONE
initial_state default
s_rt INFINITY
h_rt INFINITY
s_cpu INFINITY
h_cpu INFINITY
s_fsize INFINITY
h_fsize INFINITY
s_data INFINITY
h_data INFINITY
s_stack INFINITY
h_stack INFINITY
s_core INFINITY
h_core INFINITY
s_rss INFINITY
h_rss INFINITY
s_vmem INFINITY
h_vmem INFINITY
EOF
  sge_conf q all.q "$STATE/sge/queue"
  # schedule every second, and at once on submission and on a job's end (defaults: every 15 s)
  if ! qconf -ssconf | grep -q '^schedule_interval *0:0:1$'; then
    log "Grid Engine: fast scheduling"
    qconf -ssconf | sed 's/^schedule_interval .*/schedule_interval 0:0:1/; s/^flush_submit_sec .*/flush_submit_sec 1/;
      s/^flush_finish_sec .*/flush_finish_sec 1/' >"$STATE/sge/sconf"
    qconf -Msconf "$STATE/sge/sconf" >"$LOGS/sge-qconf.log" 2>&1 || die "qconf -Msconf failed" "$LOGS/sge-qconf.log"
  fi
  # a low array limit (default 75000), so that the test matrix's sweeps are split into several arrays
  # (qconf -Mconf reads a configuration from a file named after it: "global")
  if ! qconf -sconf | grep -q "^max_aj_tasks *$SGE_MAX_AJ_TASKS\$"; then
    log "Grid Engine: max_aj_tasks $SGE_MAX_AJ_TASKS"
    qconf -sconf | sed "s/^max_aj_tasks .*/max_aj_tasks                 $SGE_MAX_AJ_TASKS/" >"$STATE/sge/global"
    qconf -Mconf "$STATE/sge/global" >"$LOGS/sge-qconf.log" 2>&1 || die "qconf -Mconf failed" "$LOGS/sge-qconf.log"
  fi
  if ! pid_alive "$(sge_execd_pidfile)" sge_execd; then
    log "starting Grid Engine execd"
    /usr/sbin/sge_execd 9>&- || die "sge_execd failed to start"
    for i in $(seq 100); do
      pid_alive "$(sge_execd_pidfile)" sge_execd && break
      [ "$i" = 100 ] && die "sge_execd did not start" "$(dirname "$(sge_execd_pidfile)")/messages"
      sleep 0.1
    done
  fi
  for i in $(seq 150); do
    # the queue instance is usable once execd has reported in: its states column is empty
    qstat -f -q all.q 2>/dev/null | awk -v q="all.q@$host" '$1==q {print ($6=="" ? "ok" : $6)}' | grep -qx ok && return 0
    sleep 0.2
  done
  die "Grid Engine queue all.q@$host is not ready: $(qstat -f -q all.q 2>&1 | tail -n 1)" "$(dirname "$(sge_execd_pidfile)")/messages"
}
