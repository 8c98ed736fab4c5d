#!/bin/sh
# afalg-harness root loader (busybox sh, PID 1): the initramfs a disk root needs when its block
# driver or file system is a module (as Yocto's initramfs images do it): loads the modules listed in
# /etc/afalg/preload, mounts root= (rootfstype=, ro/rw from the command line) and switch_roots into
# it, running init= (default /sbin/init). Lines starting "afalg-root:" say what it did.
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
tries=0
while [ ! -b "$root" ] && [ "$tries" -lt 150 ]; do /bin/busybox sleep 0.1; tries=$((tries + 1)); done
[ -b "$root" ] || { say "no block device $root after 15 s"; poweroff -f; }
/bin/busybox mkdir -p /newroot
if [ -n "$fstype" ]; then mount -t "$fstype" -o "$flags" "$root" /newroot; else mount -o "$flags" "$root" /newroot; fi || { say "cannot mount $root"; poweroff -f; }
say "root $root mounted ($flags), switching to $init"
/bin/busybox umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || /bin/busybox umount /dev
exec /bin/busybox switch_root /newroot "$init"
