# Sourced by scripts/test after the suites: a test run leaves no process, container, VM,
# mount, namespace, link or dnsmasq behind. Only what a test made is looked at: processes, container
# roots and mounts under a test data directory ($TMPDIR/strata-*), and strata-* network
# namespaces when no Strata outside a test directory is running. PostgreSQL, a developer's
# own cloud and anything else on the machine are not flagged.

test_dirs_re() { printf '%s/strata-' "${TMPDIR:-/tmp}"; }

# Processes whose command line or root directory is under a test data directory.
leftover_processes() {
  local prefix pid cmd root
  prefix="$(test_dirs_re)"
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    [ "$pid" = "$$" ] && continue
    cmd="$(tr '\0' ' ' 2>/dev/null <"$dir/cmdline")" || continue
    [ -z "$cmd" ] && continue
    root="$(readlink "$dir/root" 2>/dev/null || true)"
    case "$cmd" in
      *strata.js\ up*"$prefix"* | *cli/main.js\ up*"$prefix"* | *strata.js\ agent*"$prefix"* | *cli/main.js\ agent*"$prefix"*)
        echo "strata process $pid: $cmd" ;;
      *qemu-system*"$prefix"*) echo "qemu process $pid: $cmd" ;;
      *dnsmasq*"$prefix"*) echo "dnsmasq process $pid: $cmd" ;;
      *)
        # A runc container's processes have its rootfs (under the data dir) as their root.
        [[ "$root" == "$prefix"* ]] && echo "container process $pid (root $root): $cmd" ;;
    esac
  done
  return 0
}

leftover_mounts() {
  local prefix
  prefix="$(test_dirs_re)"
  awk -v p="$prefix" 'index($5, p) == 1 { print "mount " $5 " (" $9 ")" }' /proc/self/mountinfo
}

# Only when nothing outside a test directory runs Strata: a developer's cloud owns its namespaces.
leftover_netns() {
  command -v ip >/dev/null 2>&1 || return 0
  local prefix
  prefix="$(test_dirs_re)"
  if pgrep -af 'strata.js (up|agent)|cli/main.js (up|agent)' 2>/dev/null | grep -v -- "$prefix" | grep -q .; then
    return 0
  fi
  # strata-*: clouds and agents; sd?-*: the dataplane tests' hosts; qdhcp-/qrouter-: DHCP and routers.
  ip netns list 2>/dev/null | awk '$1 ~ /^(strata-|sd[a-z]-|qdhcp-|qrouter-)/ { print "network namespace " $1 }'
  # The host's own links the Linux dataplane makes: network bridges, VXLAN uplinks, taps and
  # veth ends, and the external network's bridge.
  ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2) } $2 ~ /^(brq|tap|vxlan-|ns-|qr-|qg-|strata-)/ { print "network link " $2 }'
}

# Prints what is left and fails when anything is.
check_test_leftovers() {
  local left
  left="$( (leftover_processes; leftover_mounts; leftover_netns) | sort -u)"
  if [ -n "$left" ]; then
    say "the test run left these behind:"
    printf '  %s\n' "${left//$'\n'/$'\n'  }" >&2
    return 1
  fi
  say "nothing left behind by the tests"
}
