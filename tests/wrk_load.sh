# Sourced by the test scripts that load the HTTP example with wrk.
#   wrk_load OUT WRK-ARGS...
# runs `wrk --latency WRK-ARGS` into the file OUT and sets wrk_summary to
# "N requests/s, latency avg A, max M, p50 P, p99 Q" and wrk_ok to 1 when
# wrk measured a rate with no socket errors and no non-2xx responses, else 0.
wrk_load() {
  wrk_out=$1; shift
  wrk --latency "$@" > "$wrk_out" 2>&1
  wrk_rps=$(sed -n 's/^Requests\/sec: *//p' "$wrk_out")
  wrk_lat=$(awk '/^ +Latency +[0-9]/{print "avg " $2 ", max " $4}' "$wrk_out")
  wrk_p50=$(awk '/^ +50%/{print $2}' "$wrk_out"); wrk_p99=$(awk '/^ +99%/{print $2}' "$wrk_out")
  wrk_summary="$wrk_rps requests/s, latency $wrk_lat, p50 $wrk_p50, p99 $wrk_p99"
  wrk_ok=0
  if [ -n "$wrk_rps" ] && ! grep -q -e 'Socket errors' -e 'Non-2xx' "$wrk_out"; then wrk_ok=1; fi
}
