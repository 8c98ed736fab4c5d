#!/bin/sh
# afalg-harness guest init (busybox sh, PID 1).
# Loads the crypto modules, reaches the agent program and starts it on the virtio-serial port.
# Lines starting "afalg-init:" are read by the host: "<uptime> <stage> [detail]".
# Settings arrive as kernel command-line words, which the kernel hands to init as variables:
#   afalg_agent=9p       run the host's node and agent from the host file system (9p, read-only)
#   afalg_node=PATH      node on the host     afalg_script=PATH   agent entry point on the host
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
stage() { echo "afalg-init: $(cut -d' ' -f1 /proc/uptime) $*"; }
fail() { stage "error $*"; poweroff -f; }
stage start "$(uname -r)"

loaded=0
failed=""
while read -r module; do
  [ -n "$module" ] || continue
  if modprobe "$module" 2>/dev/null; then loaded=$((loaded + 1)); else failed="$failed $module"; fi
done < /etc/afalg/preload
stage modules "loaded=$loaded" "failed:${failed:- none}"

case "$afalg_agent" in
  9p)
    mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host || fail "mount 9p hostroot"
    # the agent runs inside the host's tree so that node finds its own libraries; give it this kernel's views
    mount -t proc proc /host/proc || fail "mount /host/proc"
    mount -t sysfs sys /host/sys || fail "mount /host/sys"
    mount -t devtmpfs dev /host/dev || fail "mount /host/dev"
    stage agent-start
    chroot /host /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ "$afalg_node" "$afalg_script" --port auto
    ;;
  *)
    fail "unknown afalg_agent='$afalg_agent'"
    ;;
esac
stage agent-exit "$?"
poweroff -f
