#!/bin/sh
# Runs oip_client.py against fake_server.py + oip_stub (the real smlapi_oip code behind a
# loopback HTTP front). Usage: run_against_stub.sh PATH_TO_oip_stub. Exit 77 = skipped.
set -eu
stub=$1
here=$(dirname "$0")
/usr/bin/python3 -c 'import requests, jsonschema' 2>/dev/null ||
  { echo "SKIP: needs python3-requests and python3-jsonschema"; exit 77; }
port_file=$(mktemp)
/usr/bin/python3 "$here/fake_server.py" "$stub" "$port_file" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; rm -f "$port_file"' EXIT
tries=0
while [ ! -s "$port_file" ]; do
  tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "fake server did not start"; exit 1; }
  sleep 0.05
done
BASE_URL="http://127.0.0.1:$(cat "$port_file")" SMLAPI_TEST_TOKEN=stub-token \
  /usr/bin/python3 "$here/../oip_client.py"
