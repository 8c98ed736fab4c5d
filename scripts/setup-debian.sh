#!/usr/bin/env bash
# One-time set-up on a Debian (bookworm) machine: the host tools the harness drives, then the
# project's own dependencies and build. Safe to run again. Needs root (or sudo) for apt-get.
#   --tests   also what the test suite needs: Debian's chromium (the HTML report is opened headless),
#             the guest kernel's headers (the fault-injection fixtures in qemu/fixtures build against them)
#             and qemu-system-arm (the qemu-aarch64 and qemu-armhf boards); the cross compilers that build
#             the native agent for aarch64 and armhf (harness/native-agent/build.ts) and clang (libFuzzer, which
#             fuzzes the native agent's request parser), debootstrap (a chroot of a 7.x kernel's own suite builds
#             its modules: the in-kernel executor of the qemu-x86_64-sid board), e2fsprogs (mke2fs -d builds
#             the ext4 root of the Yocto-style deploy dir the user-image tests boot)
#   --arm     qemu-system-arm only (to run the Arm boards without the test suite)
set -euo pipefail
cd "$(dirname "$0")/.."

# gcc + libc6-dev build the C reference loop (bench/afalg-speed.c) that throughput is compared with
packages=(qemu-system-x86 kmod cpio xz-utils dpkg apt gcc libc6-dev linux-libc-dev)
tests=false
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(chromium qemu-system-arm gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf clang debootstrap e2fsprogs); tests=true ;;
    --arm) packages+=(qemu-system-arm) ;;
    *) echo "setup: unknown option $arg (known: --tests, --arm)" >&2; exit 2 ;;
  esac
done
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
# apt-cache must know linux-image-amd64 for 'qemu prepare': refresh the lists once if they are empty
if [ "${#missing[@]}" -gt 0 ] || ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -q
fi
if [ "$tests" = true ]; then
  # linux-image-amd64 → linux-image-6.1.0-NN-amd64 → linux-headers-6.1.0-NN-amd64 (the guest's kernel)
  kernel=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: linux-image-\([^ ]*\)$/\1/p' | head -1)
  if [ -n "$kernel" ] && ! dpkg-query -W -f='${Status}' "linux-headers-$kernel" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("linux-headers-$kernel")
  fi
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi
npm ci --no-audit --no-fund
npm run build
# test vectors: use ../shared/vectors or $AFALG_VECTORS_DIR when present, else fetch the pinned sets
# into the user cache (a family that cannot be downloaded is reported, and setup goes on)
if ! node dist/harness/cli.js vectors where >/dev/null 2>&1; then
  node dist/harness/cli.js vectors fetch || echo "setup: some vectors could not be fetched (see above): runs use the rest and list the missing files; pass --vectors DIR to use a complete set"
fi
echo "setup: done"
