# Shared by the tests/dist scripts (sourced after setting $mpirun): mpirun as these tests need it.
# CI runs as root: Open MPI refuses that unless told, here and not in the machine's environment.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# More ranks than cores (the tests run 3 on 2), no tuning messages.
mpi_flags=(--oversubscribe --mca btl_base_warn_component_unused 0)
mpi() { "$mpirun" "${mpi_flags[@]}" "$@"; }

# youngest_run_rank MPIRUN_PID: the pid of the rank whose run (its child process) started last,
# hence has the most of its run left (0 when no rank has one).
youngest_run_rank() {
  local p c start best=0 best_start=-1
  for p in $(pgrep -P "$1"); do
    for c in $(pgrep -P "$p"); do
      start=$(awk '{print $22}' "/proc/$c/stat" 2>/dev/null) || continue
      [ -n "$start" ] && [ "$start" -gt "$best_start" ] && best=$p best_start=$start
    done
  done
  echo "$best"
}

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN (1 on timeout).
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
