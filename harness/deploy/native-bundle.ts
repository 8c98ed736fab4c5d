/**
 * The native agent as a one-file bundle for the content-hashed, sha256-verified upload
 * (deploy-agent.ts): the static binary built by buildNativeAgent, run on the board without node.
 * Its console-upload cost: gzip then base64, 10 bits a byte on an 8N1 line.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Arch } from '../board/board.js';
import { buildNativeAgent } from '../native-agent/build.js';
import { bundleVersion, type AgentBundle } from './agent-bundle.js';

export const NATIVE_AGENT_FILE = 'afalg-agent';

/** A bundle of the static native agent at `program` (a host path). */
export function nativeBundleOf(program: string, arch: Arch): AgentBundle {
  const files = [{ path: NATIVE_AGENT_FILE, data: fs.readFileSync(program), mode: 0o755 }];
  return { dir: path.dirname(program), arch, files, version: bundleVersion(files), entry: NATIVE_AGENT_FILE, runtime: 'native' };
}

/** Build (or reuse) the native agent for `arch` and bundle it. */
export async function buildNativeBundle(arch: Arch): Promise<AgentBundle> {
  return nativeBundleOf((await buildNativeAgent(arch)).program, arch);
}

export interface ConsoleUploadCost {
  /** the file's bytes */
  bytes: number;
  /** what crosses the line: base64 of the gzipped file */
  sentChars: number;
  /** sentChars × 10 bits / baud: the floor of the upload time, seconds */
  seconds: number;
}

/** How much a file costs to upload over a console at `baud` (the shell's own echo and prompts come on top). */
export function consoleUploadCost(data: Buffer, baud = 115200): ConsoleUploadCost {
  const sentChars = Math.ceil(zlib.gzipSync(data, { level: 9 }).length / 3) * 4;
  return { bytes: data.length, sentChars, seconds: (sentChars * 10) / baud };
}
