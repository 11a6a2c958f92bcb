/**
 * The files of the VM test image's guest: a busybox init that reports on the serial
 * console what the qemu driver gave it, an ACPI power-button handler and the boot loader
 * configuration. Tests match the `STRATA-TEST-VM:` lines.
 *
 * Devices: the guest polls /sys/block (vd*) and /sys/class/net (all but lo) every 0.2 s
 * and prints one line per device that appears or goes:
 *   block-add <vdX> serial=<serial> size=<512-byte sectors>   block-del <vdX>
 *   net-add <ethN> mac=<mac> mtu=<mtu>                         net-del <ethN>
 * Devices present at boot are printed before `ready`; later ones as they come.
 *
 * Addresses: each NIC, at boot or hot-plugged, is brought up and asks for a lease with busybox
 * udhcpc in the background (3 tries a second apart, so a network without DHCP costs the boot
 * nothing): `dhcp <ethN> ip=<address>/<prefix> router=<router>` when it got one (address,
 * MTU and routes set), `dhcp-none <ethN>` when not.
 *
 * Data: for each disk with a serial (a volume, never the root disk or config drive) the
 * guest reads the first line of the disk: `block-data <vdX> STRATA-DATA: <text>` when it
 * holds a marker. When the user data has a line `strata-test: mark-disks <text>`, a
 * writable volume without a marker gets `STRATA-DATA: <text>` written to its first sector
 * (`block-marked <vdX>`); otherwise `block-data <vdX> none`. So a test proves that data
 * written through one attach is read back after the next.
 *
 * Shell: after `ready` an interactive busybox sh runs on ttyS0 (the serial console), its
 * prompt `strata-guest#` on a line of its own, so the remote console can type commands.
 */

export const guestMarker = 'STRATA-TEST-VM:';

/** Enough to see the config drive and volumes (virtio-blk, ISO 9660), NICs (virtio-net) and the ACPI power button. */
export const guestModules = ['virtio_pci', 'virtio_blk', 'virtio_net', 'isofs', 'button', 'evdev'] as const;

/** Where the power button's handler lives: busybox acpid runs <conf dir>/PWRF/00000080. */
export const acpiHandlerPath = 'etc/acpi/PWRF/00000080';

/** Where udhcpc's lease script lives in the guest. */
export const udhcpcScriptPath = 'etc/udhcpc.script';

/**
 * Run by udhcpc with the lease in its environment: sets the MTU, the address and the routes
 * (option 121 when given, which replaces the router option, RFC 3442) and says what it got.
 */
export const udhcpcScript = `#!/bin/sh
case "$1" in
bound|renew)
  [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
  ip addr flush dev "$interface"
  ip addr add "$ip/$mask" dev "$interface"
  if [ -n "$staticroutes" ]; then
    set -- $staticroutes
    while [ $# -ge 2 ]; do ip route add "$1" via "$2" dev "$interface" 2>/dev/null; shift 2; done
  elif [ -n "$router" ]; then
    ip route add default via "\${router%% *}" dev "$interface" 2>/dev/null
  fi
  echo "${guestMarker} dhcp $interface ip=$ip/$mask router=$router" > /dev/console ;;
esac
exit 0
`;

/** Shell functions of the device watch (see the file comment); shell built-ins except on a change. */
const deviceWatch = `blocks=
nets=
disk_data() {
  data=$(head -c 80 "/dev/$1" 2>/dev/null | tr -d '\\000' | head -n 1)
  read ro < "/sys/block/$1/ro"
  case "$data" in
  STRATA-DATA:*) say "block-data $1 $data" ;;
  *)
    if [ -n "$mark" ] && [ "$ro" = 0 ]; then
      if printf 'STRATA-DATA: %s\\n' "$mark" | dd of="/dev/$1" bs=512 conv=sync,fsync 2>/dev/null
      then say "block-marked $1"; else say "block-mark-failed $1"; fi
    else say "block-data $1 none"; fi ;;
  esac
}
block_add() {
  read size < "/sys/block/$1/size"
  serial=
  [ -f "/sys/block/$1/serial" ] && read serial < "/sys/block/$1/serial"
  say "block-add $1 serial=$serial size=$size"
  [ -n "$serial" ] && disk_data "$1"
}
net_add() {
  read mac < "/sys/class/net/$1/address"
  read mtu < "/sys/class/net/$1/mtu"
  say "net-add $1 mac=$mac mtu=$mtu"
  dhcp "$1" &
}
dhcp() {
  ip link set dev "$1" up
  udhcpc -i "$1" -n -q -f -t 3 -T 1 -A 1 -O mtu -O staticroutes -s /${udhcpcScriptPath} >/dev/null 2>&1 ||
    say "dhcp-none $1"
}
scan() {
  now=
  for p in /sys/block/vd*; do [ -e "$p" ] && now="$now \${p##*/}"; done
  for d in $now; do case " $blocks " in *" $d "*) ;; *) block_add "$d" ;; esac; done
  for d in $blocks; do case " $now " in *" $d "*) ;; *) say "block-del $d" ;; esac; done
  blocks=$now
  now=
  for p in /sys/class/net/*; do n=\${p##*/}; [ "$n" = lo ] || [ ! -e "$p" ] || now="$now $n"; done
  for n in $now; do case " $nets " in *" $n "*) ;; *) net_add "$n" ;; esac; done
  for n in $nets; do case " $now " in *" $n "*) ;; *) say "net-del $n" ;; esac; done
  nets=$now
}`;

/** PID 1 of the guest; `modules` are file names under /lib/modules in load order. */
export function guestInitScript(modules: ReadonlyArray<string>): string {
  return `#!/bin/busybox sh
# Strata VM test image: PID 1. The initramfs is the whole root file system.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /proc /sys /dev /mnt /tmp
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "${guestMarker} $*"; }
say booted
for m in ${modules.join(' ')}; do
  insmod "/lib/modules/$m" || say "insmod $m failed"
done
# Block devices appear asynchronously after the driver loads.
dev=
for i in $(seq 1 30); do
  dev=$(findfs LABEL=config-2 2>/dev/null) && break
  sleep 0.1
done
cd=/mnt/openstack/latest
if [ -n "$dev" ] && mount -t iso9660 -o ro "$dev" /mnt; then
  h=$(sed -n 's/.*"hostname" *: *"\\([^"]*\\)".*/\\1/p' "$cd/meta_data.json")
  [ -n "$h" ] && hostname "$h"
  say "hostname=$(hostname)"
  say user-data-begin
  if [ -f "$cd/user_data" ]; then
    cat "$cd/user_data"
    [ -n "$(tail -c 1 "$cd/user_data")" ] && echo
  fi
  say user-data-end
  mark=$(sed -n 's/^strata-test: mark-disks \\(.*\\)$/\\1/p' "$cd/user_data" 2>/dev/null | head -n 1)
else
  say "no config drive found"
fi
# acpid watches only the input devices present when it starts, and a daemonized acpid
# opens them after its parent has returned: announce ready once it holds the button's
# event device, or a power-button press right after "ready" is lost.
for i in $(seq 1 50); do [ -e /dev/input/event0 ] && break; sleep 0.1; done
acpid -f -c /etc/acpi -l /dev/null &
acpid_pid=$!
for i in $(seq 1 50); do
  ls -l "/proc/$acpid_pid/fd" 2>/dev/null | grep -q /dev/input/event && break
  sleep 0.1
done
${deviceWatch}
scan
say ready
# A shell on the serial port, for the remote console. Its prompt is a line of its own, so
# the lines printed after it still start with the marker.
PS1='strata-guest#
' setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1' &
while true; do sleep 0.2; scan; done
`;
}

/** Run by acpid on a power-button press: announce, unmount, power off at once. */
export const acpiPowerOffScript = `#!/bin/sh
echo "${guestMarker} acpi-poweroff" > /dev/console
umount /mnt 2>/dev/null
sync
poweroff -f
`;

/** SYSLINUX boots straight into the kernel; quiet keeps the serial console (and TCG boots) short. */
export const syslinuxConfig = `DEFAULT strata
PROMPT 0
TIMEOUT 0
LABEL strata
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND console=ttyS0 quiet
`;
