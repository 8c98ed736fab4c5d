/**
 * Puts the agent on a board through a RemoteShell: checks the board's Node.js, uploads the bundle
 * unless the same version is already there (VERSION file, written last), verifies every file with
 * sha256sum, and returns the argv that starts the agent on stdio.
 */
import path from 'node:path';
import type { AgentDeployment } from '../board/board.js';
import { EXIT, HarnessError } from '../core/errors.js';
import type { RemoteShell } from '../transports/remote-shell.js';
import { sha256, type AgentBundle } from './agent-bundle.js';
import { chooseRemoteAgent, type AgentChoice, type AgentPreference } from '../targets/agent-choice.js';

/** A deployment that cannot go on, as one clear line. */
export class DeployError extends HarnessError {
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.target, details);
    this.name = 'DeployError';
  }
}

/**
 * The oldest Node.js the bundle runs on: esbuild targets node18, and the agent calls
 * os.availableParallelism() (matrix-pool.ts), which came in 18.14.
 */
export const MIN_NODE: readonly [number, number] = [18, 14];
export const DEFAULT_AGENT_DIR = '/tmp/afalg-agent';
/** the native agent's own directory: switching agents does not re-upload the other one each time */
export const DEFAULT_NATIVE_AGENT_DIR = '/tmp/afalg-native-agent';
/** what DeployResult.nodeVersion holds for the native agent (its hello.node says the same) */
export const NATIVE_RUNTIME = 'native';
export const DEFAULT_NODE = 'node';

export interface DeployOptions {
  /** directory on the target, e.g. /tmp/afalg-agent */
  dir: string;
  /** the node command on the target */
  node: string;
  /** per file: bytes of `file` sent so far and its size */
  onProgress?: (sentBytes: number, totalBytes: number, file: string) => void;
}

export interface DeployResult {
  /** argv that starts the agent speaking the protocol on stdio */
  command: string[];
  uploaded: boolean;
  version: string;
  /** what `node --version` printed on the target, e.g. v20.11.1; 'native' for the native agent */
  nodeVersion: string;
  /** bytes uploaded (0: nothing was) and how long the upload took, ms */
  uploadedBytes?: number;
  uploadMs?: number;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/** Runs `node --version` on the target; resolves with the version or throws one clear DeployError. */
export async function checkNode(shell: RemoteShell, node: string): Promise<string> {
  const result = await shell.run([node, '--version']);
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code === 127 || /not found|No such file or directory/i.test(output)) {
    throw new DeployError(
      `the target has no Node.js ('${node}' not found): install nodejs on the board (Yocto: add nodejs to IMAGE_INSTALL), set agent.node in the board file, or preinstall the agent (agent.preinstalled), or run the native agent (--agent native or agent.kind native: no Node needed)`,
    );
  }
  const version = /^v?(\d+)\.(\d+)\.(\d+)\S*/.exec(result.stdout.trim());
  if (result.code !== 0 || !version) {
    throw new DeployError(
      `the target's Node.js does not run ('${node} --version' exited ${result.code}: ${firstLine(output) || 'no output'}): install nodejs on the board (Yocto: add nodejs to IMAGE_INSTALL), set agent.node in the board file, or preinstall the agent (agent.preinstalled)`,
    );
  }
  const found = version[0].startsWith('v') ? version[0] : `v${version[0]}`;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    throw new DeployError(
      `the target's Node.js is too old ('${node}' is ${found}, the agent needs ${MIN_NODE.join('.')} or later): install a newer nodejs on the board (Yocto: a newer nodejs recipe in IMAGE_INSTALL), set agent.node in the board file to a newer one, or preinstall the agent (agent.preinstalled), or run the native agent (--agent native or agent.kind native: no Node needed)`,
    );
  }
  return found;
}

/** Upload `bundle` into options.dir unless that version is there already. */
export async function deployAgent(shell: RemoteShell, bundle: AgentBundle, options: DeployOptions): Promise<DeployResult> {
  const dir = options.dir.replace(/\/+$/, '') || '/';
  const at = (file: string): string => path.posix.join(dir, file);
  const native = bundle.runtime === 'native';
  const nodeVersion = native ? NATIVE_RUNTIME : await checkNode(shell, options.node);
  const command = native ? [at(bundle.entry)] : [options.node, at(bundle.entry)];

  const installed = await shell.run(['cat', at('VERSION')]);
  if (installed.code === 0 && installed.stdout.trim() === bundle.version) return { command, uploaded: false, version: bundle.version, nodeVersion };

  const dirs = [...new Set([dir, ...bundle.files.map((file) => path.posix.dirname(at(file.path)))])].sort();
  const mkdir = await shell.run(['mkdir', '-p', ...dirs]);
  if (mkdir.code !== 0) throw new DeployError(`cannot create ${dir} on ${shell.description}: ${firstLine(mkdir.stderr || mkdir.stdout) || `mkdir exited ${mkdir.code}`}`);
  // no VERSION while the files change: an interrupted upload is never taken for a complete one
  await shell.run(['rm', '-f', at('VERSION')]);
  const startedAt = Date.now();

  for (const file of bundle.files) {
    const remote = at(file.path);
    const total = file.data.length;
    options.onProgress?.(0, total, file.path);
    try {
      await shell.writeFile(remote, file.data, { mode: file.mode, onProgress: (sent) => options.onProgress?.(sent, total, file.path) });
    } catch (error) {
      if (error instanceof HarnessError) throw error;
      throw new DeployError(`upload of ${file.path} to ${shell.description} failed: ${(error as Error).message}`);
    }
    options.onProgress?.(total, total, file.path);
    const check = await shell.run(['sha256sum', remote]);
    if (check.code !== 0) {
      throw new DeployError(`cannot verify ${remote} on ${shell.description}: sha256sum exited ${check.code}${check.code === 127 ? ' (not found: install coreutils or busybox sha256sum)' : `: ${firstLine(check.stderr)}`}`);
    }
    const remoteHash = check.stdout.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    const localHash = sha256(file.data);
    if (remoteHash !== localHash) {
      throw new DeployError(`upload of ${file.path} to ${shell.description} was corrupted (sha256 ${remoteHash.slice(0, 16) || 'none'}… on the target ≠ ${localHash.slice(0, 16)}… sent)`);
    }
  }
  await shell.writeFile(at('VERSION'), Buffer.from(`${bundle.version}\n`), { mode: 0o644 });
  const uploadedBytes = bundle.files.reduce((sum, file) => sum + file.data.length, 0);
  return { command, uploaded: true, version: bundle.version, nodeVersion, uploadedBytes, uploadMs: Date.now() - startedAt };
}

/** The agent a board runs after deployChosenAgent: how to start it, and which one it is and why. */
export type ChosenDeployResult = DeployResult & { choice: AgentChoice };

/**
 * Deploy the agent `preference` asks for (auto: node when `node --version` on the board is usable,
 * else the native agent, which needs nothing on the board but a shell, base64 and sha256sum).
 */
export async function deployChosenAgent(
  shell: RemoteShell,
  agent: AgentDeployment | undefined,
  preference: AgentPreference,
  bundles: { node: () => Promise<AgentBundle>; native: () => Promise<AgentBundle> },
  onProgress?: DeployOptions['onProgress'],
): Promise<ChosenDeployResult> {
  let nodeProbe: { version?: string; problem?: string } = {};
  if (preference === 'auto') {
    nodeProbe = await checkNode(shell, agent?.node ?? DEFAULT_NODE).then(
      (version) => ({ version }),
      (error: unknown) => {
        if (error instanceof DeployError) return { problem: error.message.replace(/\): .*$/, ')') };
        throw error;
      },
    );
  }
  const choice = chooseRemoteAgent(preference, nodeProbe);
  if (choice.kind === 'node') return { ...(await agentCommandFor(shell, agent, bundles.node, onProgress)), choice };
  if (agent?.preinstalled) return { command: [agent.preinstalled], uploaded: false, version: 'preinstalled', nodeVersion: NATIVE_RUNTIME, choice };
  const bundle = await bundles.native();
  const dir = agent?.dir ?? DEFAULT_NATIVE_AGENT_DIR;
  return { ...(await deployAgent(shell, bundle, { dir, node: '', ...(onProgress ? { onProgress } : {}) })), choice };
}

/**
 * How to start the agent for a board's `agent` section: a preinstalled agent is only checked
 * (its node must run), otherwise the bundle (built on demand) is deployed into agent.dir.
 */
export async function agentCommandFor(
  shell: RemoteShell,
  agent: AgentDeployment | undefined,
  bundle: AgentBundle | (() => Promise<AgentBundle>),
  onProgress?: DeployOptions['onProgress'],
): Promise<DeployResult> {
  const node = agent?.node ?? DEFAULT_NODE;
  if (agent?.preinstalled) {
    const nodeVersion = await checkNode(shell, node);
    return { command: [node, agent.preinstalled], uploaded: false, version: 'preinstalled', nodeVersion };
  }
  const resolved = typeof bundle === 'function' ? await bundle() : bundle;
  return deployAgent(shell, resolved, { dir: agent?.dir ?? DEFAULT_AGENT_DIR, node, ...(onProgress ? { onProgress } : {}) });
}
