#!/usr/bin/env bash
# Runs Herald's whole test suite on a fresh machine: installs and starts what the tests need
# (PostgreSQL when none answers, the Kannel SMS gateway and Chromium with its WebDriver when
# missing), then formatting, lints and every test on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export CARGO_TERM_COLOR=never

log() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_postgres() {
  if [ -n "${HERALD_TEST_POSTGRES_URL:-}" ]; then return; fi
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    # Trust auth (as on our machines) needs no password; otherwise use the one set below.
    if psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
      export HERALD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
      return
    fi
  fi
  log "starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null; then
    [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null; as_root chmod +x /usr/sbin/policy-rc.d; }
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  local version
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'herald-tests'\""
  as_root su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname = 'test'\" | grep -q 1 || createdb test"
  export HERALD_TEST_POSTGRES_URL=postgres://postgres:herald-tests@127.0.0.1:5432/test
}

# Tests start their own bearerbox and smsbox on loopback (tests/support/kannel); the package's
# system-wide instance stays off thanks to policy-rc.d.
ensure_kannel() {
  if command -v bearerbox >/dev/null || [ -x /usr/sbin/bearerbox ]; then return; fi
  log "installing Kannel"
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null; as_root chmod +x /usr/sbin/policy-rc.d; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends kannel >/dev/null
}

# The console's browser test drives Debian's chromium through chromedriver.
ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return; fi
  log "installing Chromium and chromedriver"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
}

ensure_postgres
ensure_kannel
ensure_chromium

log "cargo fmt --check"
cargo fmt --check

log "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

log "cargo test (SQLite and PostgreSQL at ${HERALD_TEST_POSTGRES_URL%%@*}@…)"
cargo test
