/**
 * What this kernel's AF_ALG can reach. Since Linux 7.2 (7524070f26d8, "crypto: af_alg - Drop
 * support for off-CPU cryptography") every AF_ALG bind allocates with the mask CRYPTO_ALG_ASYNC |
 * CRYPTO_ALG_ALLOCATES_MEMORY | CRYPTO_ALG_KERN_DRIVER_ONLY: async, hardware-only and allocating
 * implementations — nearly every accelerator — answer ENOENT when bound by their unique name,
 * though /proc/crypto lists them with a passed self-test. Independently of the version, a
 * distribution may block an algif module (algif_aead after CVE-2026-31431): then every bind of
 * that socket type answers ENOENT, the generic names included.
 *
 * /proc/crypto shows `async` (skcipher, aead, akcipher…) but neither KERN_DRIVER_ONLY nor
 * ALLOCATES_MEMORY: a synchronous driver refused by the filter is reported as one of the two.
 */
import type { AfAlgReach } from '../results/result-model.js';

/** The first kernel whose AF_ALG filters out off-CPU implementations. */
export const AFALG_FILTER_SINCE: readonly [number, number] = [7, 2];

/** "7.2.13+deb14-amd64" → [7, 2]; undefined when the release does not start with a version. */
export function kernelVersion(release: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(release);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Whether this kernel's AF_ALG binds only synchronous, CPU-only, non-allocating implementations. */
export function afalgFiltersOffCpu(kernelRelease: string | undefined): boolean {
  const version = kernelRelease === undefined ? undefined : kernelVersion(kernelRelease);
  if (!version) return false;
  const [major, minor] = version;
  return major > AFALG_FILTER_SINCE[0] || (major === AFALG_FILTER_SINCE[0] && minor >= AFALG_FILTER_SINCE[1]);
}

/** One bind by unique or generic name, as discovery saw it. */
export interface BindAnswer {
  /** AF_ALG socket type (skcipher, aead, hash, rng) */
  type: string;
  /** 'ok' or the errno */
  bind: string;
}

/**
 * The AF_ALG socket types whose algif module is blocked here: at least one bind of the type was
 * tried, and every one of them — unique names and generic names — answered ENOENT.
 */
export function blockedAfalgTypes(answers: readonly BindAnswer[]): Set<string> {
  const byType = new Map<string, string[]>();
  for (const answer of answers) byType.set(answer.type, [...(byType.get(answer.type) ?? []), answer.bind]);
  const blocked = new Set<string>();
  for (const [type, binds] of byType) if (binds.length > 0 && binds.every((bind) => bind === 'ENOENT')) blocked.add(type);
  return blocked;
}

export interface ReachContext {
  kernelRelease?: string;
  /** blockedAfalgTypes of the whole discovery */
  blockedTypes: ReadonlySet<string>;
}

/** Why AF_ALG cannot reach a driver on this kernel; undefined when it can (or failed for another reason). */
export function afalgReachOf(driver: { async?: boolean; bind?: string }, afalgType: string, context: ReachContext): AfAlgReach | undefined {
  if (driver.bind === undefined || driver.bind === 'ok') return undefined;
  if (context.blockedTypes.has(afalgType)) {
    return { reason: 'algif-blocked', detail: `every ${afalgType} bind answers ENOENT, generic names included: algif_${afalgType} is not loadable (blocked or absent)` };
  }
  if (driver.bind !== 'ENOENT' || !afalgFiltersOffCpu(context.kernelRelease)) return undefined;
  const since = `Linux ${AFALG_FILTER_SINCE.join('.')}+ (${context.kernelRelease})`;
  if (driver.async === true) return { reason: 'async', detail: `asynchronous (CRYPTO_ALG_ASYNC): ${since} binds only synchronous implementations` };
  return {
    reason: 'hardware-only-or-allocates-memory',
    detail: `synchronous yet refused: CRYPTO_ALG_KERN_DRIVER_ONLY or CRYPTO_ALG_ALLOCATES_MEMORY (neither shown in /proc/crypto), both masked by AF_ALG since ${since}`,
  };
}
