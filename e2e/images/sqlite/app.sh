#!/bin/sh
# Stand-in for an app with a SQLite database: creates the file when missing (if sqlite3 is here), then idles
# in the foreground until stopped. The TERM trap makes `docker stop` immediate instead of a 10 s kill.
set -eu
db="${APP_DB:-/data/app.db}"
if [ ! -e "$db" ] && command -v sqlite3 > /dev/null; then
	mkdir -p "$(dirname "$db")"
	sqlite3 "$db" 'CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);'
fi
trap 'exit 0' TERM INT
while :; do
	sleep 3600 &
	wait $! || true
done
