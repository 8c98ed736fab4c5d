/**
 * Kernel-config diagnosis: what a kernel .config (from /proc/config.gz, /boot/config-<release> or a
 * file named in the board) says about what the harness can reach and what its columns mean —
 * AF_ALG socket types, crypto_user netlink, the registration self-tests, tcrypt, FIPS — one line
 * per finding, and the config fragment that adds what is missing (a Yocto .cfg, Buildroot's
 * BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES, or scripts/kconfig/merge_config.sh all read the same
 * format). Pure: text in, diagnosis out.
 */
import { BadInputError } from '../core/errors.js';

/** y, m, n ("is not set" or absent: a symbol whose dependencies are unmet is not written at all), or a value */
export type ConfigState = 'y' | 'm' | 'n' | { value: string };

export type KernelConfig = ReadonlyMap<string, ConfigState>;

const SET_LINE = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/;
const UNSET_LINE = /^# CONFIG_([A-Za-z0-9_]+) is not set$/;

/** The symbols of a .config (without the CONFIG_ prefix); `file` names the input in errors. */
export function parseKernelConfig(text: string, file: string): KernelConfig {
  const config = new Map<string, ConfigState>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const set = SET_LINE.exec(line);
    if (set) {
      const [, symbol = '', value = ''] = set;
      config.set(symbol, value === 'y' || value === 'm' || value === 'n' ? value : { value });
      continue;
    }
    const unset = UNSET_LINE.exec(line);
    if (unset?.[1]) config.set(unset[1], 'n');
  }
  if (config.size === 0) throw new BadInputError(`${file}: not a kernel config (no CONFIG_ lines)`);
  return config;
}

export function stateOf(config: KernelConfig, symbol: string): ConfigState {
  return config.get(symbol) ?? 'n';
}

export const stateText = (state: ConfigState): string => (typeof state === 'string' ? (state === 'n' ? 'not set' : `=${state}`) : `=${state.value}`);

/** ok: nothing to do; missing: the harness loses something; warning: results lose meaning; info: worth knowing */
export type FindingLevel = 'ok' | 'missing' | 'warning' | 'info';

export interface ConfigFinding {
  /** the symbol without CONFIG_ */
  symbol: string;
  state: ConfigState;
  level: FindingLevel;
  /** one line saying what this means for a run */
  line: string;
  /** fragment lines that fix it (present on missing and warning findings) */
  fix?: string[];
}

export interface KernelConfigDiagnosis {
  /** where the config came from (a path, /proc/config.gz…) */
  source: string;
  findings: ConfigFinding[];
  /** the registration self-tests did not run: /proc/crypto's selftest column says nothing */
  selftestsMeaningless: boolean;
}

const on = (state: ConfigState): boolean => state === 'y' || state === 'm';
const builtAs = (state: ConfigState, module: string): string => (state === 'm' ? `built as a module (${module}, loaded on demand)` : 'built in');

interface SocketType {
  symbol: string;
  module: string;
  what: string;
}

const SOCKET_TYPES: SocketType[] = [
  { symbol: 'CRYPTO_USER_API_HASH', module: 'algif_hash', what: 'AF_ALG "hash" sockets: every hash and MAC algorithm is out of reach' },
  { symbol: 'CRYPTO_USER_API_SKCIPHER', module: 'algif_skcipher', what: 'AF_ALG "skcipher" sockets: every cipher mode (cbc, ctr, xts…) is out of reach' },
  { symbol: 'CRYPTO_USER_API_AEAD', module: 'algif_aead', what: 'AF_ALG "aead" sockets: gcm, ccm, rfc4106, chacha20poly1305… are out of reach' },
  { symbol: 'CRYPTO_USER_API_RNG', module: 'algif_rng', what: 'AF_ALG "rng" sockets: the random number generators (drbg, jitterentropy…) are out of reach' },
];

function socketFinding(config: KernelConfig, type: SocketType): ConfigFinding {
  const state = stateOf(config, type.symbol);
  if (on(state)) return { symbol: type.symbol, state, level: 'ok', line: `${type.symbol}: ${builtAs(state, type.module)}` };
  return { symbol: type.symbol, state, level: 'missing', line: `${type.symbol} is not set: no ${type.what}`, fix: [`CONFIG_${type.symbol}=m`] };
}

function cryptoUserFinding(config: KernelConfig): ConfigFinding {
  const state = stateOf(config, 'CRYPTO_USER');
  if (on(state)) return { symbol: 'CRYPTO_USER', state, level: 'ok', line: `CRYPTO_USER: ${builtAs(state, 'crypto_user')}: algorithms can be listed and their priorities changed over netlink` };
  return {
    symbol: 'CRYPTO_USER',
    state,
    level: 'missing',
    line: 'CRYPTO_USER is not set: no crypto_user netlink, so the priority of a driver cannot be changed to test a ranking (crconf, NETLINK_CRYPTO)',
    fix: ['CONFIG_CRYPTO_USER=m'],
  };
}

const MEANINGLESS = "the registration self-tests do not run: /proc/crypto reports every driver's selftest as passed without a test, so every selftest column in this run's reports is meaningless";

/**
 * The self-tests at registration. Up to 6.15: CRYPTO_MANAGER_DISABLE_TESTS=y turns them off and
 * CRYPTO_MANAGER_EXTRA_TESTS adds the fuzz comparison against the generic driver. From 6.16 the
 * same switches are CRYPTO_SELFTESTS (on) and CRYPTO_SELFTESTS_FULL; a config that knows
 * CRYPTO_SELFTESTS is read with the new names.
 */
function selftestFindings(config: KernelConfig): ConfigFinding[] {
  if (config.has('CRYPTO_SELFTESTS')) {
    const state = stateOf(config, 'CRYPTO_SELFTESTS');
    const full = stateOf(config, 'CRYPTO_SELFTESTS_FULL');
    if (!on(state)) return [{ symbol: 'CRYPTO_SELFTESTS', state, level: 'warning', line: `CRYPTO_SELFTESTS is not set: ${MEANINGLESS}`, fix: ['CONFIG_EXPERT=y', 'CONFIG_CRYPTO_SELFTESTS=y'] }];
    return [
      { symbol: 'CRYPTO_SELFTESTS', state, level: 'ok', line: 'CRYPTO_SELFTESTS=y: every driver is tested against the known answers when it registers' },
      extraTestsFinding('CRYPTO_SELFTESTS_FULL', full, []),
    ];
  }
  const disabled = stateOf(config, 'CRYPTO_MANAGER_DISABLE_TESTS');
  if (disabled === 'y') {
    return [{ symbol: 'CRYPTO_MANAGER_DISABLE_TESTS', state: disabled, level: 'warning', line: `CRYPTO_MANAGER_DISABLE_TESTS=y: ${MEANINGLESS}`, fix: ['# CONFIG_CRYPTO_MANAGER_DISABLE_TESTS is not set'] }];
  }
  return [
    { symbol: 'CRYPTO_MANAGER_DISABLE_TESTS', state: disabled, level: 'ok', line: 'CRYPTO_MANAGER_DISABLE_TESTS is not set: every driver is tested against the known answers when it registers' },
    extraTestsFinding('CRYPTO_MANAGER_EXTRA_TESTS', stateOf(config, 'CRYPTO_MANAGER_EXTRA_TESTS'), ['CONFIG_DEBUG_KERNEL=y']),
  ];
}

function extraTestsFinding(symbol: string, state: ConfigState, needs: string[]): ConfigFinding {
  if (on(state)) return { symbol, state, level: 'ok', line: `${symbol}=y: drivers are also fuzzed against the generic implementation at registration` };
  return {
    symbol,
    state,
    level: 'info',
    line: `${symbol} is not set: the self-tests do not fuzz drivers against the generic implementation (enable it to qualify a new driver; boot gets slower)`,
    fix: [...needs, `CONFIG_${symbol}=y`],
  };
}

function tcryptFinding(config: KernelConfig): ConfigFinding {
  const state = stateOf(config, 'CRYPTO_TEST');
  if (state === 'm') return { symbol: 'CRYPTO_TEST', state, level: 'ok', line: 'CRYPTO_TEST=m: tcrypt can measure the drivers beside AF_ALG (bench --tcrypt)' };
  if (state === 'y') return { symbol: 'CRYPTO_TEST', state, level: 'info', line: 'CRYPTO_TEST=y: tcrypt is built in and runs once at boot only; bench --tcrypt needs it as a module', fix: ['CONFIG_CRYPTO_TEST=m'] };
  return { symbol: 'CRYPTO_TEST', state, level: 'missing', line: 'CRYPTO_TEST is not set: no tcrypt module, so bench --tcrypt has no in-kernel figures to compare with', fix: ['CONFIG_CRYPTO_TEST=m'] };
}

function fipsFinding(config: KernelConfig): ConfigFinding {
  const state = stateOf(config, 'CRYPTO_FIPS');
  if (state === 'y') return { symbol: 'CRYPTO_FIPS', state, level: 'info', line: 'CRYPTO_FIPS=y: booted with fips=1, the kernel refuses to bind the algorithms FIPS does not allow and panics on a failed self-test' };
  return { symbol: 'CRYPTO_FIPS', state, level: 'ok', line: 'CRYPTO_FIPS is not set: no FIPS mode' };
}

/** Every finding for a parsed config, in the order a reader needs them. */
export function diagnoseKernelConfig(config: KernelConfig, source: string): KernelConfigDiagnosis {
  const selftests = selftestFindings(config);
  const findings = [...SOCKET_TYPES.map((type) => socketFinding(config, type)), cryptoUserFinding(config), ...selftests, tcryptFinding(config), fipsFinding(config)];
  return { source, findings, selftestsMeaningless: selftests.some((finding) => finding.level === 'warning') };
}

/** Parse and diagnose in one step. */
export function diagnoseKernelConfigText(text: string, source: string): KernelConfigDiagnosis {
  return diagnoseKernelConfig(parseKernelConfig(text, source), source);
}

/** Findings that need a change of config (missing and warnings; `withAdvice` adds the info ones that have a fix). */
export function findingsToFix(diagnosis: KernelConfigDiagnosis, withAdvice = false): ConfigFinding[] {
  return diagnosis.findings.filter((finding) => finding.fix && (finding.level === 'missing' || finding.level === 'warning' || (withAdvice && finding.level === 'info')));
}

/**
 * The config fragment that fixes the findings: kconfig lines, each group after a comment saying
 * why. Empty (a comment only) when nothing needs a change.
 */
export function configFragment(diagnosis: KernelConfigDiagnosis, options: { withAdvice?: boolean } = {}): string {
  const header = [`# afalg-harness: kernel options for AF_ALG qualification (from ${diagnosis.source})`, '# usable as a Yocto .cfg (SRC_URI), a Buildroot BR2_LINUX_KERNEL_CONFIG_FRAGMENT_FILES entry, or with scripts/kconfig/merge_config.sh'];
  const fixes = findingsToFix(diagnosis, options.withAdvice ?? false);
  if (fixes.length === 0) return [...header, '# nothing to add: the config has everything the harness needs', ''].join('\n');
  const seen = new Set<string>();
  const body: string[] = [];
  for (const finding of fixes) {
    const lines = (finding.fix ?? []).filter((line) => !seen.has(line));
    lines.forEach((line) => seen.add(line));
    if (lines.length > 0) body.push(`# ${finding.symbol}: ${finding.level}`, ...lines);
  }
  return [...header, ...body, ''].join('\n');
}
