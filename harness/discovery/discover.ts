/**
 * Discovery: what crypto drivers does the target have, and which one does each generic name bind?
 * target → /proc/crypto → instantiate the catalog's templates → /proc/crypto again →
 * bind every driver by its unique name → resolve every generic name by refcnt delta.
 */
import type { AgentClient } from '../targets/agent-client.js';
import type { AfAlgType, BindProbe, BindProbeResult, RefcntMove } from '../protocol/messages.js';
import { parseProcCrypto, type CryptoEntry } from '../protocol/proc-crypto.js';
import { resolveBoundDriver } from '../protocol/refcnt-diff.js';
import { parseTemplateName, templateInstances } from './algorithm-name.js';
import { afalgTypeOf, catalog } from '../../vectors/catalog.js';
import { type AfAlgReach } from '../results/result-model.js';
import { driverRecordOf, type DiscoveredAlgorithmSummary } from '../results/run-record.js';
import { afalgReachOf, blockedAfalgTypes, type BindAnswer } from './afalg-reach.js';

export interface DiscoveredDriver {
  driver: string;
  type: string;
  priority: number;
  selftest: string;
  module: string;
  async?: boolean;
  internal: boolean;
  refcnt: number;
  /** binding the driver by its unique name: ok, or the errno (ELIBBAD: self-test failed) */
  bind?: string;
  /** why this kernel's AF_ALG cannot reach it (Linux 7.2+ filtering, a blocked algif module) */
  afalgReach?: AfAlgReach;
}

export interface DiscoveredAlgorithm {
  name: string;
  /** AF_ALG socket type, when the algorithm is reachable through AF_ALG */
  afalgType?: AfAlgType;
  /** every registered driver of that name, highest priority first */
  drivers: DiscoveredDriver[];
  /** the public driver the generic name actually bound, proved by the refcnt delta */
  bound?: string;
  /** why the bound driver could not be named (bind failed, evidence ambiguous) */
  boundProblem?: string;
  /** every /proc/crypto entry whose refcnt moved while the generic socket was held */
  proof?: RefcntMove[];
  /** in the harness's catalog (instantiated on purpose) */
  inCatalog: boolean;
}

export interface DiscoveryResult {
  procCryptoBefore: string;
  procCrypto: string;
  instantiation: BindProbeResult[];
  algorithms: DiscoveredAlgorithm[];
  timings: { discoveryMs: number };
}

export function groupByName(entries: CryptoEntry[]): Map<string, CryptoEntry[]> {
  const byName = new Map<string, CryptoEntry[]>();
  for (const entry of entries) {
    const list = byName.get(entry.name) ?? [];
    list.push(entry);
    byName.set(entry.name, list);
  }
  return byName;
}

const MAX_INSTANTIATION_PASSES = 3;

/**
 * `<name>-generic` for every plain name in the catalog and every plain argument of its templates.
 * Only the lookup matters: it autoloads the module that registers the software twin. The bind
 * itself may fail (aes-generic is a block cipher, not an skcipher), and its result is not used.
 */
export function genericTwinProbes(): BindProbe[] {
  const plain = new Map<string, AfAlgType>();
  const visit = (name: string, type: AfAlgType): void => {
    const parsed = parseTemplateName(name);
    if (!parsed) {
      if (!plain.has(name)) plain.set(name, type);
      return;
    }
    for (const arg of parsed.args) visit(arg, type);
  };
  for (const algorithm of catalog) visit(algorithm.name, algorithm.type);
  return [...plain].map(([name, type]) => ({ name: `${name}-generic`, type }));
}

/** The software reference driver of every catalog algorithm that names one. */
export function referenceProbes(): BindProbe[] {
  return catalog.flatMap((algorithm) => (algorithm.reference ? [{ name: algorithm.reference, type: algorithm.type }] : []));
}

/** Template instances over every public driver of each argument, not yet tried. */
export function instantiationProbes(entries: CryptoEntry[], tried: Set<string>): BindProbe[] {
  const driversOf = (name: string): string[] => entries.filter((entry) => entry.name === name && !entry.internal).map((entry) => entry.driver);
  const probes: BindProbe[] = [];
  for (const algorithm of catalog) {
    for (const instance of templateInstances(algorithm.name, driversOf)) {
      if (tried.has(instance)) continue;
      tried.add(instance);
      probes.push({ name: instance, type: algorithm.type });
    }
  }
  return probes;
}

/**
 * Mark each driver AF_ALG cannot reach on this kernel (afalg-reach.ts), from every bind answer of
 * the discovery: the drivers' own and the generic names'.
 */
export function markAfalgReach(algorithms: DiscoveredAlgorithm[], genericBinds: readonly BindAnswer[], kernelRelease: string | undefined): void {
  const answers: BindAnswer[] = [...genericBinds];
  for (const algorithm of algorithms) {
    if (!algorithm.afalgType) continue;
    for (const driver of algorithm.drivers) if (driver.bind !== undefined) answers.push({ type: algorithm.afalgType, bind: driver.bind });
  }
  const context = { kernelRelease, blockedTypes: blockedAfalgTypes(answers) };
  for (const algorithm of algorithms) {
    if (!algorithm.afalgType) continue;
    for (const driver of algorithm.drivers) {
      const reach = afalgReachOf(driver, algorithm.afalgType, context);
      if (reach) driver.afalgReach = reach;
    }
  }
}

/** kernelRelease (the agent's hello) tells whether this kernel's AF_ALG filters off-CPU drivers. */
export async function discover(agent: AgentClient, kernelRelease?: string): Promise<DiscoveryResult> {
  const started = Date.now();
  const procCryptoBefore = (await agent.request('proc-crypto', {})).text;
  parseProcCrypto(procCryptoBefore);
  const { results: instantiation } = await agent.request('bind', { probes: catalog.map(({ name, type }) => ({ name, type })) });
  // software twins by their conventional driver name (aes-generic, ghash-generic…): binding one
  // autoloads its module, so templates below can be instantiated over it too
  await agent.request('bind', { probes: genericTwinProbes() });
  // the all-software reference of each algorithm (gcm_base(ctr(aes-generic),ghash-generic)…): the
  // generic bind alone would never build it, and differential mode compares every driver with it
  await agent.request('bind', { probes: referenceProbes() });
  let procCrypto = (await agent.request('proc-crypto', {})).text;
  let entries = parseProcCrypto(procCrypto);

  // the generic bind instantiates only the winning implementation: instantiate each template over
  // every driver of its arguments too (cbc(aes-generic) beside cbc-aes-aesni), until nothing is new
  const tried = new Set<string>(catalog.map((algorithm) => algorithm.name));
  for (let pass = 0; pass < MAX_INSTANTIATION_PASSES; pass++) {
    const probes = instantiationProbes(entries, tried);
    if (probes.length === 0) break;
    const { results } = await agent.request('bind', { probes });
    if (!results.some((result) => result.ok)) break;
    procCrypto = (await agent.request('proc-crypto', {})).text;
    entries = parseProcCrypto(procCrypto);
  }

  // bind every public driver by its unique name: shows the drivers whose self-test failed (ELIBBAD)
  const driverProbes: BindProbe[] = [];
  for (const entry of entries) {
    const type = afalgTypeOf(entry.type);
    if (type && !entry.internal) driverProbes.push({ name: entry.driver, type });
  }
  const { results: driverBinds } = await agent.request('bind', { probes: driverProbes });
  const bindOf = new Map(driverBinds.map((result) => [`${result.type}:${result.name}`, result.ok ? 'ok' : (result.error ?? 'failed')]));

  const byName = groupByName(entries);
  const catalogNames = new Set(catalog.map((algorithm) => algorithm.name));
  const resolveProbes: BindProbe[] = [];
  for (const [name, drivers] of byName) {
    const type = drivers.map((entry) => afalgTypeOf(entry.type)).find((t) => t !== undefined);
    if (type && drivers.some((entry) => !entry.internal)) resolveProbes.push({ name, type });
  }
  const { results: resolutions } = await agent.request('resolve', { probes: resolveProbes });
  const resolutionOf = new Map(resolutions.map((result) => [result.name, result]));

  const algorithms: DiscoveredAlgorithm[] = [];
  for (const [name, group] of byName) {
    const afalgType = group.map((entry) => afalgTypeOf(entry.type)).find((t) => t !== undefined);
    const drivers = group
      .map((entry): DiscoveredDriver => {
        const probeType = afalgTypeOf(entry.type);
        return {
          ...driverRecordOf(entry),
          type: entry.type,
          internal: entry.internal,
          refcnt: entry.refcnt,
          bind: probeType && !entry.internal ? bindOf.get(`${probeType}:${entry.driver}`) : undefined,
        };
      })
      .sort((a, b) => b.priority - a.priority || a.driver.localeCompare(b.driver));
    const algorithm: DiscoveredAlgorithm = { name, afalgType, drivers, inCatalog: catalogNames.has(name) };
    const resolution = resolutionOf.get(name);
    if (resolution) {
      algorithm.proof = resolution.moved;
      if (resolution.error) algorithm.boundProblem = `binding '${name}' failed: ${resolution.error}`;
      else {
        const bound = resolveBoundDriver(name, resolution.moved, entries);
        algorithm.bound = bound.driver;
        algorithm.boundProblem = bound.problem;
      }
    }
    algorithms.push(algorithm);
  }
  algorithms.sort((a, b) => a.name.localeCompare(b.name));
  const genericBinds = resolutions.map((result) => ({ type: result.type, bind: result.error ?? 'ok' }));
  markAfalgReach(algorithms, genericBinds, kernelRelease);
  return { procCryptoBefore, procCrypto, instantiation, algorithms, timings: { discoveryMs: Date.now() - started } };
}

/**
 * What run.json keeps of a discovery: every algorithm with a public driver — AF_ALG-reachable or
 * not, since a priority hazard is a finding either way — and each driver's record.
 */
export function discoverySummaryOf(algorithms: readonly DiscoveredAlgorithm[]): DiscoveredAlgorithmSummary[] {
  return algorithms
    .filter((algorithm) => algorithm.drivers.some((driver) => !driver.internal))
    .map((algorithm) => ({
      name: algorithm.name,
      ...(algorithm.afalgType ? { afalgType: algorithm.afalgType } : {}),
      ...(algorithm.bound ? { bound: algorithm.bound } : {}),
      drivers: algorithm.drivers.map((driver) => ({
        ...driverRecordOf(driver),
        internal: driver.internal,
        ...(driver.bind ? { bind: driver.bind } : {}),
        ...(driver.afalgReach ? { afalgReach: driver.afalgReach } : {}),
      })),
    }));
}

