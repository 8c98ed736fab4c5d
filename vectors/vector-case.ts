/**
 * What the vector stage hands to the planner: kernel-ready cases (bytes base64, already adapted to
 * what the kernel's AF_ALG interface expects) and the cases that could not be expressed, with why.
 */
import type { CaseBody, SplitStrategy } from '../harness/protocol/messages.js';
import type { Expectation } from '../harness/results/result-model.js';

export type { Expectation };


export interface VectorCase {
  /** stable id within its source: `tcId 17`, `tcId 17 decrypt`, `line 1234`, `COUNT 3 line 1234`, `seed 42#7` */
  id: string;
  expectation: Expectation;
  /** Wycheproof comment / NIST section summary, for reports */
  comment?: string;
  /** Wycheproof flags */
  flags?: string[];
  /** what goes to the agent (expectError / expectMismatch encode the invalid semantics) */
  body: CaseBody;
  /** only these strategies make sense for the case (Monte-Carlo: oneshot); default all */
  strategies?: SplitStrategy[];
  /** generated cases: the boundary dimensions the case exercises (coverage) */
  dims?: CaseDims;
}

/** What a generated case exercises, for the coverage summary (harness/results/coverage.ts). */
export interface CaseDims {
  /** text length (hash message, skcipher input, AEAD plain/cipher text without the tag) */
  length: number;
  keyLength?: number;
  /** counter modes: the counter field width whose wrap the case crosses */
  counterWidth?: number;
  /** the block index at which the counter wraps */
  wrapAt?: number;
  aadLength?: number;
  authsize?: number;
  /** a forged tag (must fail with EBADMSG) */
  forged?: boolean;
  /** state cases: the socket index (several sockets, one transform, changing keys) */
  socket?: number;
}

export interface SkippedVector {
  id: string;
  /** one short sentence: why the kernel cannot express this case */
  reason: string;
}

export interface VectorSource {
  /** path relative to the vectors directory, e.g. `wycheproof/testvectors_v1/aes_gcm_test.json` */
  source: string;
  family: 'wycheproof' | 'nist';
  cases: VectorCase[];
  skipped: SkippedVector[];
}

/** A vector file that could not be read or failed its schema: the run goes on without it. */
export interface UnusableSource {
  source: string;
  /** one line naming the file and the JSON path / line */
  error: string;
}

export interface AlgorithmVectors {
  algorithm: string;
  sources: VectorSource[];
  unusable: UnusableSource[];
}
