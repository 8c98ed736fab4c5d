/** Discovery as a terminal table: per algorithm, every driver, and the one the generic name bound. */
import type { DiscoveryResult } from '../harness/discovery/discover.js';
import type { TargetInfo } from '../harness/targets/target.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function renderDiscovery(target: TargetInfo, result: DiscoveryResult, options: { all?: boolean } = {}): string {
  const out: string[] = [];
  const { hello, timings } = target;
  out.push(`board ${target.board} (${target.transport}, ${target.arch}${target.accel ? `, ${target.accel.accel}: ${target.accel.reason}` : ''})`);
  out.push(`kernel ${hello.kernelRelease}${target.kernelPackage ? ` (${target.kernelPackage})` : ''}, agent ${hello.agentVersion} on node ${hello.node}, page ${hello.pageSize}`);
  out.push('');
  const publicDrivers = (algorithm: DiscoveryResult['algorithms'][number]): boolean => algorithm.drivers.some((d) => !d.internal);
  const shown = result.algorithms.filter(
    (algorithm) => options.all || (publicDrivers(algorithm) && (algorithm.afalgType !== undefined || algorithm.drivers.some((d) => d.selftest !== 'passed'))),
  );
  // columns as wide as the longest driver and module name shown (an out-of-tree module's can be long)
  const driverWidth = Math.max(44, ...shown.flatMap((algorithm) => algorithm.drivers.map((d) => d.driver.length)));
  const moduleWidth = Math.max(16, ...shown.flatMap((algorithm) => algorithm.drivers.map((d) => d.module.length)));
  for (const algorithm of shown) {
    const kind = algorithm.afalgType ? `AF_ALG ${algorithm.afalgType}` : `${algorithm.drivers[0]?.type ?? '?'}, not reachable through AF_ALG`;
    let binds = '';
    if (algorithm.bound) {
      const delta = algorithm.proof?.find((move) => move.driver === algorithm.bound)?.delta ?? 0;
      binds = ` → binds ${algorithm.bound} (refcnt +${delta} while held)`;
    } else if (algorithm.boundProblem) binds = ` → ${algorithm.boundProblem}`;
    out.push(`${algorithm.name}  [${kind}]${binds}`);
    out.push(`    ${pad('driver', driverWidth)} ${pad('prio', 5)} ${pad('selftest', 9)} ${pad('module', moduleWidth)} ${pad('async', 6)} ${pad('internal', 9)} bind`);
    for (const driver of algorithm.drivers) {
      const mark = driver.driver === algorithm.bound ? '  * ' : '    ';
      out.push(
        `${mark}${pad(driver.driver, driverWidth)} ${pad(String(driver.priority), 5)} ${pad(driver.selftest, 9)} ${pad(driver.module, moduleWidth)} ${pad(driver.async === undefined ? '-' : driver.async ? 'yes' : 'no', 6)} ${pad(driver.internal ? 'yes' : 'no', 9)} ${driver.bind ?? '-'}${driver.afalgReach ? ` (AF_ALG cannot reach: ${driver.afalgReach.reason})` : ''}`,
      );
    }
    out.push('');
  }
  const failedSelftest = result.algorithms.flatMap((algorithm) => algorithm.drivers.filter((d) => d.selftest !== 'passed').map((d) => `${d.driver} (${algorithm.name}, priority ${d.priority}, selftest ${d.selftest}${d.bind && d.bind !== 'ok' ? `, bind ${d.bind}` : ''})`));
  const unresolved = result.algorithms.filter((algorithm) => algorithm.afalgType && publicDrivers(algorithm) && !algorithm.bound);
  const missing = result.instantiation.filter((probe) => !probe.ok);
  out.push(`${result.algorithms.length} algorithms, ${result.algorithms.reduce((n, a) => n + a.drivers.length, 0)} drivers; ${shown.length} shown${options.all ? '' : ' (--all for every /proc/crypto entry)'}`);
  const unreachable = result.algorithms.flatMap((algorithm) => algorithm.drivers.flatMap((d) => (d.afalgReach ? [`${d.driver} (${algorithm.name}): ${d.afalgReach.reason}: ${d.afalgReach.detail}`] : [])));
  if (unreachable.length > 0) out.push(`${unreachable.length} driver${unreachable.length === 1 ? '' : 's'} not reachable through AF_ALG on this kernel:`, ...unreachable.map((line) => `  ${line}`));
  if (failedSelftest.length > 0) out.push(`self-test not passed: ${failedSelftest.join('; ')}`);
  if (unresolved.length > 0) out.push(`generic name not resolved: ${unresolved.map((a) => `${a.name} (${a.boundProblem ?? 'no evidence'})`).join('; ')}`);
  if (missing.length > 0) out.push(`catalog algorithms the kernel does not offer: ${missing.map((probe) => `${probe.name} (${probe.error})`).join(', ')}`);
  const boot = timings.bootMs !== undefined ? `${(timings.bootMs / 1000).toFixed(1)} s to init, ` : '';
  out.push(`timing: ${boot}${(timings.agentReadyMs / 1000).toFixed(1)} s to agent ready, discovery ${(result.timings.discoveryMs / 1000).toFixed(1)} s`);
  return out.join('\n') + '\n';
}
