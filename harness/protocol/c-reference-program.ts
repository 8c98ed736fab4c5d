/**
 * The contract between the agent and the C reference loop (bench/afalg-speed.c): the program's
 * arguments for a bench request, and its JSON answer checked against a schema.
 */
import AjvModule from 'ajv';
import { describeSchemaError } from '../core/json-validation.js';
import type { BenchPoint, BenchRequestBody } from './messages.js';

const Ajv = AjvModule.default;

/** The agent's default tag length when a request names none (harness/agent/afalg-bench.ts). */
const DEFAULT_AUTHSIZE = 16;

/**
 * The program's positional arguments for a bench request:
 * TYPE ALG OP PATH SIZES KEYHEX IVHEX ASSOCLEN AUTHSIZE WARMUP_MS REPETITION_MS REPETITIONS, and for
 * an adaptive request MAX_REPETITIONS PRECISION_PPM POINT_BUDGET_MS.
 * Like the agent, an aead request without authsize uses 16; AAD and tag length are 0 for the others.
 */
export function cReferenceArgs(req: BenchRequestBody): string[] {
  const hex = (base64: string | undefined): string => (base64 === undefined ? '-' : Buffer.from(base64, 'base64').toString('hex'));
  const aead = req.type === 'aead';
  return [
    req.type,
    req.alg,
    req.operation,
    req.path,
    req.sizes.join(','),
    hex(req.key),
    hex(req.iv),
    String(aead ? (req.assocLength ?? 0) : 0),
    String(aead ? (req.authsize ?? DEFAULT_AUTHSIZE) : 0),
    String(req.warmupMs),
    String(req.repetitionMs),
    String(req.repetitions),
    // adaptive: the stopping rule's three figures (bench-stopping.ts)
    ...(req.maxRepetitions !== undefined
      ? [String(req.maxRepetitions), String(Math.round((req.targetPrecision ?? 0) * 1e6)), String(Math.round(req.pointBudgetMs ?? 0))]
      : []),
  ];
}

const outputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['points'],
  properties: {
    points: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['size', 'repetitions'],
        properties: {
          size: { type: 'integer', minimum: 1 },
          repetitions: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['ops', 'ns'],
              properties: { ops: { type: 'integer', minimum: 1 }, ns: { type: 'integer', minimum: 0 } },
            },
          },
          stopped: { enum: ['precise', 'max-repetitions', 'time-share'] },
        },
      },
    },
  },
};

const validateOutput = new Ajv({ allErrors: false, strict: true }).compile(outputSchema);

/**
 * The program's stdout as points; throws one line for its `{"error": ...}` answer or for output
 * that is not the expected JSON.
 */
export function parseCReferenceOutput(stdout: string): { points: BenchPoint[] } {
  const text = stdout.trim();
  if (text === '') throw new Error('afalg-speed: no output');
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    throw new Error(`afalg-speed: output is not JSON: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)}`);
  }
  if (typeof data === 'object' && data !== null && 'error' in data) {
    const error = (data as { error: unknown }).error;
    throw new Error(`afalg-speed: ${typeof error === 'string' ? error : JSON.stringify(error)}`);
  }
  if (!validateOutput(data)) {
    const first = validateOutput.errors?.[0];
    throw new Error(`afalg-speed: unexpected output: ${first ? describeSchemaError(first) : 'does not match its schema'}`);
  }
  return data as { points: BenchPoint[] };
}
