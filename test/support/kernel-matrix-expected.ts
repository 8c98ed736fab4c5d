/**
 * What Debian's own x86_64 kernels really show when the same sampled run (cbc(aes), gcm(aes),
 * sha256) is compared across them: the changes `compare` must report from each to the next. The
 * integration test (test/integration/kernel-matrix.test.ts) checks them on fresh runs; the unit test
 * on runs of 2026-11 kept in test/fixtures/kernel-matrix.
 */

/** The boards of the matrix, oldest kernel first, and their kernel's major.minor. */
export const MATRIX_BOARDS = ['qemu-x86_64-bullseye', 'qemu-x86_64', 'qemu-x86_64-trixie', 'qemu-x86_64-sid'] as const;
export const MATRIX_VERSIONS = ['5.10', '6.1', '6.12', '7.2'];

/** The sampled run each board gets. */
/** `--executor afalg`: the matrix compares what user space gets through AF_ALG (the sid board's own default, auto, would serve virtio-crypto through the in-kernel executor). */
export const MATRIX_RUN_ARGS = ['--executor', 'afalg', '--alg', 'cbc(aes)', 'gcm(aes)', 'sha256', '--sample', '3', '--strategies', 'oneshot', '--differential', '0', '--no-boundary', '--seed', 'kernel-matrix'];

/** Why each run did not pass: 7.2's AF_ALG cannot reach virtio_crypto_aes_cbc, a driver the run then cannot test. */
export const MATRIX_REASONS = [[], [], [], ['1 driver AF_ALG cannot reach on this kernel']];

/** Changes of step [n] → [n+1] (index n - 1) that must be among those compare reports. */
export const MATRIX_CHANGES: readonly string[][] = [
  // 5.10 → 6.1: the x86 blake2s shash and the x86 ctr()/xts() glue of the old ciphers go; stdrng's two HMAC DRBGs swap priorities
  ['blake2s-256 vanished', 'ctr(serpent) vanished', 'stdrng: the generic name binds drbg_nopr_hmac_sha512, was drbg_nopr_hmac_sha256', 'xctr(aes) appeared'],
  // 6.1 → 6.12: AVX drivers at priority 500 take gcm(aes) and xts(aes); ansi_cprng goes
  [
    'gcm(aes): the generic name binds generic-gcm-aesni-avx, was generic-gcm-aesni',
    'generic-gcm-aesni-avx (gcm(aes)) appeared, priority 500',
    'xts(aes): the generic name binds xts-aes-aesni-avx, was xts-aes-aesni',
    'ansi_cprng (stdrng) vanished (was priority 100)',
  ],
  // 6.12 → 7.2: aes-generic becomes aes-lib, sha256 binds sha256-lib, AF_ALG no longer reaches the async virtio-crypto driver
  [
    'cbc(aes-generic) (cbc(aes)) vanished (was priority 100)',
    'cbc(aes-lib) (cbc(aes)) appeared, priority 100',
    'sha256: the generic name binds sha256-lib, was sha256-avx2',
    'sha256-avx2 (sha256) vanished (was priority 170)',
    'virtio_crypto_aes_cbc (cbc(aes)): through AF_ALG reachable → unreachable (async)',
  ],
];
