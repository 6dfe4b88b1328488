#!/bin/bash
# A trimmed copy of the official mariadb image's entrypoint: same env names (MARIADB_* with MYSQL_* aliases and
# *_FILE forms), init scripts, and a foreground server. The init-time server listens on a private socket only,
# so readiness probes (socket or TCP) only ever see the final server.
set -Eeuo pipefail

# file_env VAR [DEFAULT]: VAR comes from $VAR or from the file named by $VAR_FILE.
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}" val
	if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then
		echo >&2 "error: both $var and $fileVar are set (but are exclusive)"; exit 1
	fi
	val="$def"
	if [ -n "${!var:-}" ]; then val="${!var}"; elif [ -n "${!fileVar:-}" ]; then val="$(< "${!fileVar}")"; fi
	export "$var"="$val"
	unset "$fileVar"
}
# SQL string literal contents: backslashes and quotes escaped.
sql_escape() { local s="${1//\\/\\\\}"; printf '%s' "${s//\'/\\\'}"; }

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi

if [ "$1" = 'mariadbd' ] || [ "$1" = 'mysqld' ]; then
	if [ "$(id -u)" = '0' ]; then
		mkdir -p /var/lib/mysql /run/mysqld
		find /var/lib/mysql /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
		exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
	fi
	if [ ! -d /var/lib/mysql/mysql ]; then
		for name in ROOT_PASSWORD ROOT_HOST DATABASE USER PASSWORD ALLOW_EMPTY_ROOT_PASSWORD RANDOM_ROOT_PASSWORD; do
			m="MARIADB_$name" y="MYSQL_$name" mf="MARIADB_${name}_FILE" yf="MYSQL_${name}_FILE"
			if [ -z "${!m:-}" ] && [ -z "${!mf:-}" ]; then
				if [ -n "${!y:-}" ]; then export "$m"="${!y}"; elif [ -n "${!yf:-}" ]; then export "$mf"="${!yf}"; fi
			fi
		done
		file_env MARIADB_ROOT_PASSWORD
		file_env MARIADB_ROOT_HOST '%'
		file_env MARIADB_DATABASE
		file_env MARIADB_USER
		file_env MARIADB_PASSWORD
		if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}" ] && [ -z "${MARIADB_RANDOM_ROOT_PASSWORD:-}" ]; then
			echo >&2 'error: Database is uninitialized and password option is not specified'
			echo >&2 '  Set one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD'
			exit 1
		fi
		if [ -n "${MARIADB_RANDOM_ROOT_PASSWORD:-}" ] && [ -z "$MARIADB_ROOT_PASSWORD" ]; then
			MARIADB_ROOT_PASSWORD="$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 32)"
			echo "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
		fi

		echo 'Initializing database files'
		mariadb-install-db --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=normal \
			--skip-name-resolve --default-time-zone=SYSTEM --skip-log-bin > /dev/null
		init_sock=/run/mysqld/init.sock
		"$@" --skip-networking --socket="$init_sock" --skip-log-bin &
		pid=$!
		for _ in $(seq 1 60); do
			if mariadb-admin --socket="$init_sock" -uroot --silent ping > /dev/null 2>&1; then break; fi
			kill -0 "$pid" 2> /dev/null || { echo >&2 'error: init server died'; exit 1; }
			sleep 0.5
		done

		root_pw="$(sql_escape "$MARIADB_ROOT_PASSWORD")"
		{
			echo "DELETE FROM mysql.global_priv WHERE user NOT IN ('mysql.sys','mariadb.sys','root','mysql') OR host NOT IN ('localhost');"
			echo "SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$root_pw');"
			if [ "$MARIADB_ROOT_HOST" != 'localhost' ]; then
				echo "CREATE USER 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' IDENTIFIED BY '$root_pw';"
				echo "GRANT ALL ON *.* TO 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' WITH GRANT OPTION;"
			fi
			if [ -n "$MARIADB_DATABASE" ]; then
				echo "CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
			fi
			if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
				echo "CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "$MARIADB_PASSWORD")';"
				if [ -n "$MARIADB_DATABASE" ]; then
					echo "GRANT ALL ON \`${MARIADB_DATABASE//\`/\`\`}\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
				fi
			fi
		} | mariadb --socket="$init_sock" -uroot --binary-mode
		export MYSQL_PWD="$MARIADB_ROOT_PASSWORD"
		for f in /docker-entrypoint-initdb.d/*; do
			case "$f" in
				*.sh) echo "running $f"; . "$f" ;;
				*.sql) echo "running $f"; mariadb --socket="$init_sock" -uroot ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} < "$f" ;;
				*.sql.gz) echo "running $f"; gunzip -c "$f" | mariadb --socket="$init_sock" -uroot ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} ;;
			esac
		done
		mariadb-admin --socket="$init_sock" -uroot shutdown
		wait "$pid" || true
		unset MYSQL_PWD
		echo 'MariaDB init process done. Ready for start up.'
	fi
fi

exec "$@"
