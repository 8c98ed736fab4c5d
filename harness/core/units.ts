/**
 * Numbers and sizes as every text output writes them (reports, drivers-spec evidence, progress):
 * one way to print a size, a grouped count, a throughput.
 */

/** 16 B, 4 KiB, 1 MiB */
export function formatSize(bytes: number): string {
  if (bytes >= 1048576 && bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** 1234567 → 1,234,567 (fixed, whatever the locale) */
export function groupDigits(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '—';
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = (whole as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** MB/s with the precision that matters: 1,234 / 56.7 / 0.89 */
export function formatMb(value: number | undefined, missing = '—'): string {
  if (value === undefined || !Number.isFinite(value)) return missing;
  return groupDigits(value, value >= 100 ? 0 : value >= 10 ? 1 : 2);
}
