/**
 * The files of the VM test image's guest: a busybox init that reports on the serial
 * console what the qemu driver gave it, an ACPI power-button handler and the boot loader
 * configuration. Tests match the `STRATA-TEST-VM:` lines.
 */

export const guestMarker = 'STRATA-TEST-VM:';

/** Enough to see the config drive (virtio-blk, ISO 9660) and the ACPI power button. */
export const guestModules = ['virtio_pci', 'virtio_blk', 'isofs', 'button', 'evdev'] as const;

/** Where the power button's handler lives: busybox acpid runs <conf dir>/PWRF/00000080. */
export const acpiHandlerPath = 'etc/acpi/PWRF/00000080';

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
say ready
while true; do sleep 3600; done
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
