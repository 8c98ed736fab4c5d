/**
 * Putting the chosen agent on a serial or SSH board (deployChosenAgent), with what the run prints
 * about it: which agent and why, and for an upload its size and time (over a console, also the
 * floor the line's baud rate sets).
 */
import type { Board } from '../board/board.js';
import type { RemoteShell } from '../transports/remote-shell.js';
import { buildAgentBundle, type AgentBundle, type Libc } from '../deploy/agent-bundle.js';
import { deployChosenAgent, type ChosenDeployResult } from '../deploy/deploy-agent.js';
import { buildNativeBundle, consoleUploadCost } from '../deploy/native-bundle.js';
import { formatBytes, uploadProgressReporter } from '../deploy/upload-progress.js';
import { agentPreferenceOf, describeAgentChoice, type AgentPreference } from './agent-choice.js';

export interface BoardAgentOptions {
  agent?: AgentPreference;
  out: NodeJS.WritableStream;
  /** a console's baud rate: the upload line says the time the line needs at least */
  baud?: number;
  /** which koffi builds the Node agent's bundle carries */
  libc?: Libc;
}

function uploadLine(deployed: ChosenDeployResult, bundle: AgentBundle | undefined, baud: number | undefined): string {
  const native = deployed.choice.kind === 'native';
  const what = native ? `native agent ${deployed.version}` : `agent ${deployed.version}`;
  const runtime = native ? '' : ` (node ${deployed.nodeVersion})`;
  if (!deployed.uploaded) return `${what} already on the target${runtime}`;
  const took = `${formatBytes(deployed.uploadedBytes ?? 0)} in ${((deployed.uploadMs ?? 0) / 1000).toFixed(1)} s`;
  const file = bundle?.files.length === 1 ? bundle.files[0] : undefined;
  if (baud === undefined) return `${what} uploaded${runtime}: ${took}`;
  if (!file) return `${what} uploaded over the console${runtime}: ${took}`;
  const cost = consoleUploadCost(file.data, baud);
  return `${what} uploaded over the console: ${took} (${formatBytes(cost.sentChars)} gzip+base64: at least ${cost.seconds.toFixed(1)} s at ${baud} baud)`;
}

export async function deployBoardAgent(shell: RemoteShell, board: Board, options: BoardAgentOptions): Promise<ChosenDeployResult> {
  let nativeBundle: AgentBundle | undefined;
  const progress = uploadProgressReporter();
  const deployed = await deployChosenAgent(
    shell,
    board.agent,
    options.agent ?? agentPreferenceOf(board),
    {
      node: () => buildAgentBundle({ arch: board.arch, ...(options.libc ? { libc: options.libc } : {}) }),
      native: async () => (nativeBundle = await buildNativeBundle(board.arch)),
    },
    progress,
  );
  progress.done();
  options.out.write(`${describeAgentChoice(deployed.choice)}\n${uploadLine(deployed, nativeBundle, options.baud)}\n`);
  return deployed;
}
