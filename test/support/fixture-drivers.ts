/** The fault-injection fixtures (qemu/fixtures) the integration tests catch: each one's algorithm and driver. */

export interface FixtureDriver {
  algorithm: string;
  driver: string;
  /** another fixture of the algorithm ranks higher: the generic name selects that one */
  outrankedBy?: string;
}

/** the fixtures that give wrong answers */
export const WRONG_ANSWER_FIXTURES: Record<string, FixtureDriver> = {
  sha256_odd: { algorithm: 'sha256', driver: 'sha256-fixture-odd-updates' },
  gcm_empty_aad: { algorithm: 'gcm(aes)', driver: 'gcm-aes-fixture-empty-aad' },
  cbc_many_sg: { algorithm: 'cbc(aes)', driver: 'cbc-aes-fixture-many-sg' },
  cbc_iv_out: { algorithm: 'cbc(aes)', driver: 'cbc-aes-fixture-iv-out', outrankedBy: 'cbc_many_sg' },
  cbc_tfm_iv: { algorithm: 'cbc(aes)', driver: 'cbc-aes-fixture-tfm-iv', outrankedBy: 'cbc_many_sg' },
  ctr_counter16: { algorithm: 'ctr(aes)', driver: 'ctr-aes-fixture-counter16' },
  ecb_key_cache: { algorithm: 'ecb(aes)', driver: 'ecb-aes-fixture-key-cache' },
  ccm_big_aad: { algorithm: 'ccm(aes)', driver: 'ccm-aes-fixture-big-aad' },
  rfc4106_setkey: { algorithm: 'rfc4106(gcm(aes))', driver: 'rfc4106-gcm-aes-fixture-setkey' },
};

/** the fixtures that never complete a request (of `bytes` bytes) */
export const HANG_FIXTURES: Record<string, FixtureDriver & { bytes: number }> = {
  xts_hang: { algorithm: 'xts(aes)', driver: 'xts-aes-fixture-hang', bytes: 68 },
};

/** the fixtures that are right, only slow */
export const SLOW_FIXTURES: Record<string, FixtureDriver> = {
  sha224_slow: { algorithm: 'sha224', driver: 'sha224-fixture-slow' },
};

/** every fixture `--fixtures all` loads */
export const ALL_FIXTURES: Record<string, FixtureDriver> = { ...WRONG_ANSWER_FIXTURES, ...HANG_FIXTURES, ...SLOW_FIXTURES };
