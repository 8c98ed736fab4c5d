#!/bin/sh
# afalg-harness guest init (busybox sh, PID 1).
# Loads the crypto modules, reaches the agent program and starts it on the virtio-serial port.
# Lines starting "afalg-init:" are read by the host: "<uptime> <stage> [detail]".
# Settings arrive as kernel command-line words, which the kernel hands to init as variables:
#   afalg_agent=9p       run the host's node and agent from the host file system (9p, read-only)
#   afalg_node=PATH      node on the host     afalg_script=PATH   agent entry point on the host
#   afalg_agent=image    run the image's own node (afalg_node, /usr/bin/node: Debian's nodejs for the
#                        guest's architecture, unpacked into the initramfs) in the initramfs root, on
#                        the agent bundle afalg_script, a HOST path read through the 9p share at /host
#   afalg_agent=native   run the static native agent afalg_node (a HOST path, read through the 9p share
#                        at /host) in the initramfs root: it needs no library, and modules are found here
#   afalg_agent=board    play a board for the serial and SSH transports: a login on ttyS1 (root,
#                        password afalg_password), dropbear on port 22 (key afalg_authkey: the
#                        base64 of an ssh-ed25519 public key; dropbear unpacked on the host at
#                        afalg_dropbear), node on PATH (the host's, run from the 9p share with the
#                        host's loader afalg_loader). No agent is started: the harness must log in
#                        and deploy it. afalg_board_node=none: a busybox-only board, no node on PATH,
#                        and without afalg_dropbear nothing mounted from the host (no 9p at all).
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
  image)
    mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host || fail "mount 9p hostroot"
    node="${afalg_node:-/usr/bin/node}"
    [ -x "$node" ] || fail "no $node in the image"
    [ -f "/host$afalg_script" ] || fail "no agent bundle /host$afalg_script"
    cd /
    stage agent-start
    env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/ TERM=dumb "$node" "/host$afalg_script" --port auto
    ;;
  native)
    mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host || fail "mount 9p hostroot"
    [ -x "/host$afalg_node" ] || fail "no native agent /host$afalg_node"
    stage agent-start
    env -i PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/ "/host$afalg_node" --port auto
    ;;
  board)
    if [ "$afalg_board_node" != none ] || [ -n "$afalg_dropbear" ]; then
      mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host || fail "mount 9p hostroot"
    fi
    mkdir -p /usr/bin /usr/sbin /usr/lib /root/.ssh /etc/dropbear /var/log /tmp
    /bin/busybox --install -s 2>/dev/null
    echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
    echo 'root:*:19000:0:99999:7:::' > /etc/shadow
    echo 'root:x:0:' > /etc/group
    echo '/bin/sh' > /etc/shells
    if [ -n "$afalg_password" ]; then
      # "--": a password may begin with "-" (base64url), which busybox's mkpasswd would take for an
      # option and answer with nothing at all, exit 0, leaving root without a password
      hash=$(mkpasswd -m sha512 -- "$afalg_password") && [ -n "$hash" ] || fail "mkpasswd gave no hash"
      echo "root:$hash:19000:0:99999:7:::" > /etc/shadow
    fi
    host_libs=/host/lib/x86_64-linux-gnu:/host/usr/lib/x86_64-linux-gnu
    # host programs run with the host's dynamic loader, linked where their ELF headers look for it
    # (/lib64's link on the host is absolute, so it cannot be followed through the share)
    mkdir -p /lib64 && ln -sf "/host$afalg_loader" /lib64/ld-linux-x86-64.so.2
    if [ "$afalg_board_node" != none ]; then
      printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec /host%s "$@"\n' "$host_libs" "$afalg_node" > /usr/bin/node
      chmod 755 /usr/bin/node
    fi
    export PATH=/bin:/sbin:/usr/bin
    modprobe virtio_net 2>/dev/null
    ip link set lo up
    ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
    if [ -n "$afalg_authkey" ] && [ -n "$afalg_dropbear" ]; then
      echo "ssh-ed25519 $afalg_authkey" > /root/.ssh/authorized_keys
      chmod 700 /root/.ssh; chmod 600 /root/.ssh/authorized_keys
      d="/host$afalg_dropbear"
      # dropbear starts sftp as /usr/lib/sftp-server (openssh-sftp-server's, unpacked beside it)
      printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' "$host_libs" "$d/usr/lib/openssh/sftp-server" > /usr/lib/sftp-server
      chmod 755 /usr/lib/sftp-server
      # run directly (dropbear re-executes itself per connection), in the foreground of a background
      # job, logging to the console (-F -E); key logins only (-s)
      LD_LIBRARY_PATH="$d/lib/x86_64-linux-gnu:$d/usr/lib/x86_64-linux-gnu:$host_libs" "$d/usr/sbin/dropbear" -R -F -E -p 22 -s &
      for i in $(seq 1 100); do netstat -tln | grep -q ':22 ' && break; sleep 0.1; done
    fi
    # a login on the second serial port, again and again
    ( while true; do setsid getty -L 115200 ttyS1 vt100; done ) &
    stage board-ready
    while true; do sleep 3600; done
    ;;
  *)
    fail "unknown afalg_agent='$afalg_agent'"
    ;;
esac
stage agent-exit "$?"
poweroff -f
