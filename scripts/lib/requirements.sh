# Shared by ./strata and scripts/test: check or install what Strata needs.
# As root, missing Debian packages are installed with apt; otherwise we say what is missing.

strata_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf 'strata: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" = 0 ]; }

require_node() {
  if ! command -v node >/dev/null 2>&1; then
    say "Node.js >= 20.19 is required and was not found (Debian: apt-get install nodejs npm, or use nodesource)."
    exit 1
  fi
  local v
  v="$(node -p 'process.versions.node')"
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    say "Node.js >= 20.19 is required; found $v."
    exit 1
  fi
}

apt_updated=0
# ensure_packages <command-or-file>:<package> ...  installs the packages whose probe is missing.
ensure_packages() {
  local missing=() probe pkg
  for pair in "$@"; do
    probe="${pair%%:*}"
    pkg="${pair##*:}"
    if [[ "$probe" == /* ]]; then [ -e "$probe" ] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    if [ "$apt_updated" = 0 ]; then
      say "apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      apt_updated=1
    fi
    say "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages (run as root to install them automatically): ${missing[*]}"
    return 1
  fi
}

# Installs the packages when the lock file's content changed since the last install (a checkout
# touches every file's time, so times say nothing). A linked node_modules belongs to another
# checkout: npm ci here would empty that one, so it is only reported.
ensure_node_modules() {
  cd "$strata_root"
  local want have
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  have="$(cat node_modules/.strata-lock-sha256 2>/dev/null || true)"
  [ "$want" = "$have" ] && return 0
  if [ -L node_modules ]; then
    say "node_modules is a link to another checkout; not reinstalling here (run npm ci there if its lock differs)"
    return 0
  fi
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >node_modules/.strata-lock-sha256
}

ensure_build() {
  cd "$strata_root"
  if [ ! -f dist/cli/main.js ] || [ -n "$(find src -name '*.ts' -newer dist/cli/main.js -print -quit)" ]; then
    say "building (tsc)"
    npm run --silent build
  fi
}

# What real workloads need: QEMU VMs, runc containers, the test images and config drives,
# the Linux dataplane (nftables, dnsmasq) and x509 key pairs (openssl).
workload_packages=(
  qemu-system-x86_64:qemu-system-x86
  qemu-img:qemu-utils
  runc:runc
  busybox:busybox-static
  /usr/share/doc/linux-image-cloud-amd64:linux-image-cloud-amd64
  syslinux:syslinux
  /usr/lib/syslinux/modules/bios/ldlinux.c32:syslinux-common
  mcopy:mtools
  mkfs.vfat:dosfstools
  xorriso:xorriso
  nft:nftables
  dnsmasq:dnsmasq-base
  openssl:openssl
)
