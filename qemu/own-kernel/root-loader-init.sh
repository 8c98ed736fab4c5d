#!/bin/sh
# afalg-harness root loader (busybox sh, PID 1): the initramfs a disk root needs when its block
# driver or file system is a module (as Yocto's initramfs images do it): loads the modules listed in
# /etc/afalg/preload, mounts root= (rootfstype=, ro/rw from the command line) and switch_roots into
# it, running init= (default /sbin/init). root= is a device (/dev/vda2), UUID=/LABEL= of a file
# system (busybox findfs) or PARTUUID= of a partition (read here from the MBR signature or the GPT
# entry, as the kernel names it). Lines starting "afalg-root:" say what it did.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "afalg-root: $*"; }
while read -r module; do
  [ -n "$module" ] && { modprobe "$module" 2>/dev/null || say "modprobe $module failed"; }
done < /etc/afalg/preload
root=/dev/vda fstype="" flags=rw init=/sbin/init
for word in $(cat /proc/cmdline); do
  case "$word" in
    root=*) root="${word#root=}" ;;
    rootfstype=*) fstype="${word#rootfstype=}" ;;
    init=*) init="${word#init=}" ;;
    ro) flags=ro ;;
    rw) flags=rw ;;
  esac
done
bb() { /bin/busybox "$@"; }
# --- root= resolution (the unit test runs this part on the host, with bb() running the host's tools)
# COUNT bytes of FILE from OFFSET as hex pairs: bytes FILE OFFSET COUNT
bytes() { bb od -An -tx1 -j "$2" -N "$3" "$1" | bb tr -s ' \n' '  '; }
# The PARTUUID of partition N of DISK (512-byte sectors): SSSSSSSS-NN from an MBR's disk signature,
# or a GPT entry's unique partition GUID (its first three fields little-endian).
partuuid() {
  set -- "$1" "$2" $(bytes "$1" 512 8)
  disk=$1 n=$2
  if [ "$3$4$5$6$7$8$9${10}" = "4546492050415254" ]; then
    set -- $(bytes "$disk" 584 4) $(bytes "$disk" 596 4)
    entry=$(( 0x$4$3$2$1 * 512 + (n - 1) * 0x$8$7$6$5 + 16 ))
    set -- $(bytes "$disk" "$entry" 16)
    echo "$4$3$2$1-$6$5-$8$7-$9${10}-${11}${12}${13}${14}${15}${16}"
  else
    set -- $(bytes "$disk" 440 4)
    bb printf '%s-%02x\n' "$4$3$2$1" "$n"
  fi
}
# The partition whose PARTUUID is $1 (any case), among the block devices the kernel knows
by_partuuid() {
  want=$(echo "$1" | bb tr A-F a-f)
  for part in /sys/class/block/*; do
    [ -f "$part/partition" ] || continue
    disk=$(bb basename "$(bb dirname "$(bb readlink -f "$part")")")
    [ "$(partuuid "/dev/$disk" "$(bb cat "$part/partition")")" = "$want" ] && { echo "/dev/${part##*/}"; return; }
  done
}
resolve_root() {
  case "$1" in
    PARTUUID=*) by_partuuid "${1#PARTUUID=}" ;;
    UUID=* | LABEL=*) bb findfs "$1" 2>/dev/null ;;
    *) echo "$1" ;;
  esac
}
# --- end of root= resolution
tries=0 device=$(resolve_root "$root")
while [ ! -b "$device" ] && [ "$tries" -lt 150 ]; do bb sleep 0.1; tries=$((tries + 1)); device=$(resolve_root "$root"); done
[ -b "$device" ] || { say "no block device $root after 15 s"; poweroff -f; }
bb mkdir -p /newroot
if [ -n "$fstype" ]; then mount -t "$fstype" -o "$flags" "$device" /newroot; else mount -o "$flags" "$device" /newroot; fi || { say "cannot mount $root ($device)"; poweroff -f; }
say "root $root mounted from $device ($flags), switching to $init"
/bin/busybox umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || /bin/busybox umount /dev
exec /bin/busybox switch_root /newroot "$init"
