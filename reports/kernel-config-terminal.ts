/** The kernel-config diagnosis as terminal lines: one line per finding, marked by level, then what to do. */
import { findingsToFix, type FindingLevel, type KernelConfigDiagnosis } from '../harness/discovery/kernel-config.js';

const MARK: Record<FindingLevel, string> = { ok: 'ok  ', missing: 'MISS', warning: 'WARN', info: 'note' };

export function renderKernelConfig(diagnosis: KernelConfigDiagnosis): string {
  const out = [`kernel config: ${diagnosis.source}`];
  for (const finding of diagnosis.findings) out.push(`  ${MARK[finding.level]} ${finding.line}`);
  const fixes = findingsToFix(diagnosis);
  out.push(
    fixes.length === 0
      ? 'the kernel has everything the harness needs'
      : `${fixes.length} to change: ${fixes.map((finding) => finding.symbol).join(', ')} (afalg-harness kernel-config --fragment FILE writes the config fragment)`,
  );
  return out.join('\n') + '\n';
}
