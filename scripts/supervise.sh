#!/usr/bin/env bash
# Keeps a service running for the local stack, as systemd's Restart=on-failure does in production: restarts
# the command when it dies abnormally (a crash, SIGKILL), and stops when it exits cleanly or STOP_FILE exists.
# Usage: supervise.sh PID_FILE STOP_FILE LOG_FILE COMMAND [ARGS...]
set -u
pid_file=$1 stop_file=$2 log_file=$3
shift 3
while :; do
  "$@" >>"$log_file" 2>&1 &
  child=$!
  echo "$child" > "$pid_file"
  wait "$child"
  status=$?
  if [ -e "$stop_file" ] || [ "$status" -eq 0 ]; then break; fi
  echo "supervise: $1 exited with status $status; restarting" >>"$log_file"
  sleep 0.3
done
rm -f "$pid_file"
