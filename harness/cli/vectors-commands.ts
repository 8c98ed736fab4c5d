/** `afalg-harness vectors list|fetch`. */
import { EXIT } from '../core/errors.js';
import { catalog } from '../../vectors/catalog.js';
import { fetchFailure, fetchVectors } from '../../vectors/fetch.js';
import { algorithmsWithVectors, loadAlgorithmVectors } from '../../vectors/vector-sources.js';
import { describeVectorOrigins, resolveVectorsDir } from '../../vectors/vectors-dir.js';
import { matchesAny } from '../plan/name-pattern.js';
import { BadInputError } from '../core/errors.js';

export async function vectorsListCommand(argv: { vectors?: string; alg?: string[] }): Promise<number> {
  const { dir, origin } = resolveVectorsDir(argv.vectors);
  const out: string[] = [`vectors: ${dir} (${origin})`];
  for (const source of describeVectorOrigins(dir)) out.push(`  ${source.family}: ${source.origin}`);
  const withVectors = new Set(algorithmsWithVectors());
  const names = catalog.filter((algorithm) => algorithm.type !== 'rng' && matchesAny(algorithm.name, argv.alg)).map((algorithm) => algorithm.name);
  if (names.length === 0) throw new BadInputError(`--alg: no known algorithm matches; known: ${catalog.map((algorithm) => algorithm.name).join(', ')}`);
  let unusableFiles = 0;
  out.push('', 'algorithm                         cases  skipped  source');
  for (const name of names) {
    if (!withVectors.has(name)) {
      out.push(`${name.padEnd(32)} ${'-'.padStart(6)} ${'-'.padStart(8)}  no vectors (differential only)`);
      continue;
    }
    const vectors = loadAlgorithmVectors(name, dir);
    let first = true;
    for (const source of vectors.sources) {
      out.push(`${(first ? name : '').padEnd(32)} ${String(source.cases.length).padStart(6)} ${String(source.skipped.length).padStart(8)}  ${source.source}`);
      first = false;
    }
    for (const unusable of vectors.unusable) {
      unusableFiles++;
      out.push(`${(first ? name : '').padEnd(32)} ${'UNUSABLE'.padStart(15)}  ${unusable.error}`);
      first = false;
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return unusableFiles > 0 ? EXIT.findings : EXIT.ok;
}

export async function vectorsFetchCommand(argv: { dest?: string; only?: Array<'wycheproof' | 'nist'> }): Promise<number> {
  const result = await fetchVectors({
    ...(argv.dest ? { dest: argv.dest } : {}),
    ...(argv.only ? { only: argv.only } : {}),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  for (const family of result.fetched) process.stdout.write(`fetched ${family} into ${result.dest}\n`);
  const failure = fetchFailure(result);
  if (failure) throw failure;
  return EXIT.ok;
}
