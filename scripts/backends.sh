#!/usr/bin/env bash
# backends.sh — run a command against throwaway PostgreSQL, Redis and MinIO.
#
#   scripts/backends.sh -- go test ./...
#
# Used by `make test` and CI so the same behaviour suites run on the real
# backends, not only on the embedded defaults. It:
#   1. installs what is missing: the Debian packages postgresql, redis-server
#      and curl (apt-get, as root), and MinIO built with `go install` into
#      ${XDG_CACHE_HOME:-$HOME/.cache}/releasegate/bin (several minutes the
#      first time, reused afterwards; RG_BACKENDS_CACHE overrides the folder);
#   2. starts private servers on free loopback ports with their data in a
#      scratch directory; the machine's own PostgreSQL and Redis (5432, 6379)
#      are neither used nor touched;
#   3. exports RG_TEST_* (below) and runs the command;
#   4. stops the servers and removes the scratch directory however the
#      command ends, and exits with the command's status.
#
# Exported to the command:
#   RG_TEST_DATABASE_URL   postgres://postgres@127.0.0.1:P/releasegate_test?sslmode=disable
#   RG_TEST_REDIS_URL      redis://127.0.0.1:P/0
#   RG_TEST_S3_ENDPOINT    127.0.0.1:P (plain http)
#   RG_TEST_S3_ACCESS_KEY, RG_TEST_S3_SECRET_KEY   random per run
#   RG_TEST_REQUIRE_BACKENDS=1   tests fail rather than skip without a backend
#   For fault tests that stop and restart servers themselves:
#   RG_TEST_MINIO_BIN, RG_TEST_MINIO_DATA, RG_TEST_MINIO_ADDR,
#   RG_TEST_REDIS_BIN, RG_TEST_REDIS_ADDR, RG_TEST_BACKENDS_DIR (the scratch
#   directory; a server restarted with a path under it is stopped at exit too).

# Functions reached only through traps and wait_for look unreachable to the
# linter, hence SC2317 off for the file.
# shellcheck disable=SC2317

set -euo pipefail

readonly MINIO_MODULE=github.com/minio/minio
readonly MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
readonly DB_NAME=releasegate_test
readonly START_TIMEOUT=60 # seconds each server gets to answer

say() { printf 'backends: %s\n' "$*" >&2; }
die() {
	printf 'backends: error: %s\n' "$*" >&2
	exit 1
}

usage() {
	printf 'usage: %s -- COMMAND [ARGS...]\n' "$0" >&2
	exit 2
}

[[ ${1-} == -- ]] && shift
(($# > 0)) || usage

# ---------------------------------------------------------------- install --

is_root() { [[ $(id -u) -eq 0 ]]; }

pg_bindir() {
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	[[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/pg_isready && -x $d/createdb ]] && printf '%s\n' "$d"
}

install_packages() {
	local missing=()
	pg_bindir >/dev/null || missing+=(postgresql)
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
	command -v curl >/dev/null || missing+=(curl)
	((${#missing[@]} == 0)) && return 0

	is_root || die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
	say "installing ${missing[*]} with apt-get"
	local log
	log=$(mktemp)
	if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		rm -f "$log"
		die "apt-get install ${missing[*]} failed"
	fi
	rm -f "$log"
	pg_bindir >/dev/null || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
}

# install_minio builds MinIO once per machine (per cache folder). A version
# stamp next to the binary makes a bump of MINIO_VERSION rebuild it, and a
# lock keeps two concurrent runs from building at the same time.
install_minio() {
	local cache=${RG_BACKENDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/releasegate/bin}
	MINIO_BIN=$cache/minio
	local stamp=$cache/minio.version
	mkdir -p "$cache"
	if [[ -x $MINIO_BIN && $(cat "$stamp" 2>/dev/null) == "$MINIO_VERSION" ]]; then
		return 0
	fi
	exec {lock}>"$cache/.lock"
	flock "$lock"
	if [[ -x $MINIO_BIN && $(cat "$stamp" 2>/dev/null) == "$MINIO_VERSION" ]]; then
		exec {lock}>&-
		return 0
	fi
	if ! command -v go >/dev/null; then
		[[ -x /usr/local/go/bin/go ]] || die "go not found (expected on PATH or at /usr/local/go/bin/go) to build minio"
		PATH=$PATH:/usr/local/go/bin
	fi
	say "building minio $MINIO_VERSION into $cache (first run only; takes a few minutes)"
	local log=$cache/install.log
	# Built outside any module so the project's go.mod is not involved.
	if ! (cd / && GOBIN=$cache GOFLAGS=-buildvcs=false go install "$MINIO_MODULE@$MINIO_VERSION") >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		exec {lock}>&-
		die "go install $MINIO_MODULE@$MINIO_VERSION failed (full log: $log)"
	fi
	printf '%s\n' "$MINIO_VERSION" >"$stamp"
	exec {lock}>&-
}

# ------------------------------------------------------------------ ports --

declare -a TAKEN_PORTS=()

# free_port sets the variable named $1 to a loopback port nothing listens
# on, avoiding ports this run already picked (it is not called in a
# subshell, so the list persists). The ephemeral range is left alone so an
# outgoing connection cannot be holding the port we choose.
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 12000))
		[[ " ${TAKEN_PORTS[*]} " == *" $p "* ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			TAKEN_PORTS+=("$p")
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	die "no free loopback port found"
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

now() { printf '%s\n' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

# --------------------------------------------------------------- services --

SCRATCH=""
MINIO_PID=""
REDIS_PID=""
PG_STARTED=""
PG_BIN=""
PG_USER=""
CMD_PID=""

# as_pg runs a command as the user PostgreSQL runs as (it refuses root),
# from / so a private working directory does not get in its way.
as_pg() {
	if [[ -n $PG_USER ]]; then
		(cd / && runuser -u "$PG_USER" -- "$@")
	else
		(cd / && "$@")
	fi
}

# show_log prints the end of a server's log after a failure.
show_log() {
	local name=$1 file=$2
	[[ -s $file ]] || return 0
	printf -- '--- last lines of the %s log (%s) ---\n' "$name" "$file" >&2
	tail -n 40 "$file" >&2
	printf -- '---\n' >&2
}

# wait_for polls a check until it passes, the process dies or time runs out.
wait_for() {
	local name=$1 pid=$2 log=$3
	shift 3
	local deadline=$((SECONDS + START_TIMEOUT))
	until "$@" >/dev/null 2>&1; do
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			show_log "$name" "$log"
			die "$name exited during start-up"
		fi
		if ((SECONDS >= deadline)); then
			show_log "$name" "$log"
			die "$name did not answer within ${START_TIMEOUT}s"
		fi
		sleep 0.1
	done
}

start_minio() {
	local port console
	free_port port
	free_port console
	MINIO_ADDR=127.0.0.1:$port
	MINIO_DATA=$SCRATCH/minio
	MINIO_USER=rg$(random_hex 6)
	MINIO_PASS=$(random_hex 16)
	mkdir -p "$MINIO_DATA"
	MINIO_T0=$(now)
	MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASS \
		"$MINIO_BIN" server "$MINIO_DATA" --address "$MINIO_ADDR" \
		--console-address "127.0.0.1:$console" --quiet \
		</dev/null >"$SCRATCH/minio.log" 2>&1 &
	MINIO_PID=$!
}

start_redis() {
	local port
	free_port port
	REDIS_ADDR=127.0.0.1:$port
	REDIS_BIN=$(command -v redis-server)
	mkdir -p "$SCRATCH/redis"
	REDIS_T0=$(now)
	"$REDIS_BIN" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$SCRATCH/redis" --logfile '' \
		</dev/null >"$SCRATCH/redis.log" 2>&1 &
	REDIS_PID=$!
}

start_postgres() {
	local port t0 data=$SCRATCH/pg/data sock=$SCRATCH/pg/sock log=$SCRATCH/pg/postgres.log
	free_port port
	PG_PORT=$port
	t0=$(now)
	mkdir -p "$data" "$sock"
	if is_root; then
		id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user to run PostgreSQL as"
		PG_USER=postgres
		chown -R postgres: "$SCRATCH/pg"
	fi
	chmod 700 "$data"
	if ! as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
		>"$SCRATCH/pg/initdb.log" 2>&1; then
		show_log initdb "$SCRATCH/pg/initdb.log"
		die "initdb failed"
	fi
	# Durability is pointless for a database deleted at exit; dropping it
	# makes the tests faster.
	PG_STARTED=1
	if ! as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t "$START_TIMEOUT" \
		-o "-c listen_addresses=127.0.0.1 -p $port -k '$sock' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >"$SCRATCH/pg/pg_ctl.log" 2>&1; then
		show_log pg_ctl "$SCRATCH/pg/pg_ctl.log"
		show_log postgresql "$log"
		die "postgresql did not start"
	fi
	wait_for postgresql "" "$log" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"
	if ! as_pg "$PG_BIN/createdb" -h "$sock" -p "$port" -U postgres "$DB_NAME" >"$SCRATCH/pg/createdb.log" 2>&1; then
		show_log createdb "$SCRATCH/pg/createdb.log"
		die "createdb $DB_NAME failed"
	fi
	say "postgresql $(basename "$(dirname "$PG_BIN")") on 127.0.0.1:$port, database $DB_NAME ($(since "$t0"))"
}

# ready, not live: live answers before the object layer can serve requests.
minio_live() { curl -fsS -o /dev/null --max-time 2 "http://$MINIO_ADDR/minio/health/ready"; }
redis_pong() { [[ $(redis-cli -h 127.0.0.1 -p "${REDIS_ADDR##*:}" ping 2>/dev/null) == PONG ]]; }

# await_exit gives a process TENTHS tenths of a second to exit, then kills it.
await_exit() {
	local pid=$1 tenths=$2 i
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	for ((i = 0; i < tenths; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# stop_pid ends a server we started: politely, then firmly.
stop_pid() {
	[[ -n $1 ]] && kill -TERM "$1" 2>/dev/null
	await_exit "$1" 50
}

# stop_stragglers ends servers a fault test restarted itself: any process
# whose command line names this run's unique scratch directory, or that
# works inside it (redis-server rewrites its command line but chdirs to its
# --dir). Builtins only in the loop: forking per process is slow.
stop_stragglers() {
	local p pid args
	local -a pids=()
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[[ $pid == "$$" ]] && continue
		mapfile -d '' args 2>/dev/null <"$p/cmdline" || continue
		[[ " ${args[*]} " == *"$SCRATCH/"* ]] && pids+=("$pid")
	done
	while IFS= read -r p; do
		p=${p#/proc/}
		pids+=("${p%/cwd}")
	done < <(find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$SCRATCH" -o -lname "$SCRATCH/*" \) 2>/dev/null)
	if ((${#pids[@]} > 0)); then
		kill -KILL "${pids[@]}" 2>/dev/null || true
	fi
}

# stop_cmd gives the command a few seconds to finish after a signal (so a
# test binary can clean up), then kills it.
stop_cmd() { await_exit "$CMD_PID" 100; }

# on_signal passes a signal on to the command, then exits (running cleanup).
on_signal() {
	local sig=$1 status=$2
	[[ -n $CMD_PID ]] && kill "-$sig" "$CMD_PID" 2>/dev/null
	exit "$status"
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM HUP
	set +e
	stop_cmd
	if [[ -n $SCRATCH ]]; then
		stop_pid "$MINIO_PID"
		stop_pid "$REDIS_PID"
		if [[ -n $PG_STARTED && -f $SCRATCH/pg/data/postmaster.pid ]]; then
			as_pg "$PG_BIN/pg_ctl" -D "$SCRATCH/pg/data" -m immediate -w -t 20 stop >/dev/null 2>&1
		fi
		stop_stragglers
		rm -rf "$SCRATCH"
	fi
	exit "$status"
}

# ------------------------------------------------------------------- main --

install_packages
install_minio
PG_BIN=$(pg_bindir)

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/rg-backends.XXXXXXXX")
chmod 711 "$SCRATCH" # PostgreSQL's user must reach its subdirectory

# MinIO takes the longest to come up, so it boots while PostgreSQL is set up.
start_minio
start_redis
start_postgres
wait_for redis "$REDIS_PID" "$SCRATCH/redis.log" redis_pong
say "redis $("$REDIS_BIN" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on $REDIS_ADDR ($(since "$REDIS_T0"))"
wait_for minio "$MINIO_PID" "$SCRATCH/minio.log" minio_live
say "minio on $MINIO_ADDR ($(since "$MINIO_T0"))"

export RG_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME?sslmode=disable"
export RG_TEST_REDIS_URL="redis://$REDIS_ADDR/0"
export RG_TEST_S3_ENDPOINT=$MINIO_ADDR
export RG_TEST_S3_ACCESS_KEY=$MINIO_USER
export RG_TEST_S3_SECRET_KEY=$MINIO_PASS
export RG_TEST_REQUIRE_BACKENDS=1
export RG_TEST_MINIO_BIN=$MINIO_BIN
export RG_TEST_MINIO_DATA=$MINIO_DATA
export RG_TEST_MINIO_ADDR=$MINIO_ADDR
export RG_TEST_REDIS_BIN=$REDIS_BIN
export RG_TEST_REDIS_ADDR=$REDIS_ADDR
export RG_TEST_BACKENDS_DIR=$SCRATCH

# The command runs in the background so that a signal to this script is
# handled at once (bash defers traps while a foreground command runs) and
# passed on. It keeps this script's standard input, and Ctrl-C still reaches
# it: bash would otherwise start a background command ignoring SIGINT.
exec {stdin}<&0
(
	trap - INT QUIT
	exec "$@" <&"$stdin" {stdin}<&-
) &
CMD_PID=$!
exec {stdin}<&-
set +e
wait "$CMD_PID"
status=$?
set -e
CMD_PID=""
exit "$status"
