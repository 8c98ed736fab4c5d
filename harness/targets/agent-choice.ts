/**
 * Which agent runs on the target: the Node agent or the static native one (harness/native-agent).
 * `auto` on a QEMU board takes the native agent wherever it can be built (it runs the vectors ~4×
 * faster under TCG; both forward to the in-kernel executor); on a board reached by SSH or serial it
 * takes the board's Node when usable. The choice
 * and its reason are printed once and recorded in the target's info (run.json).
 */
import type { Board, QemuBoard } from '../board/board.js';
import { BadInputError } from '../core/errors.js';
import { hostBoardArch } from '../../qemu/accel-probe.js';

export type AgentKind = 'node' | 'native';
export type AgentPreference = 'auto' | AgentKind;
export const AGENT_PREFERENCES: readonly AgentPreference[] = ['auto', 'node', 'native'];

export interface AgentChoice {
  kind: AgentKind;
  /** one line: why this agent */
  reason: string;
}

/** --agent if given, else the board's agent.kind, else auto; an unknown name is a one-line error. */
export function agentPreferenceOf(board: Board, given?: string): AgentPreference {
  const preference = given ?? board.agent?.kind ?? 'auto';
  if (!(AGENT_PREFERENCES as readonly string[]).includes(preference)) {
    throw new BadInputError(`--agent: unknown agent '${preference}'; known: ${AGENT_PREFERENCES.join(', ')}`);
  }
  return preference as AgentPreference;
}

/** What a QEMU agent choice depends on besides the board and the preference. */
export interface QemuAgentContext {
  /** the native agent for the board's arch is cached or its compiler is installed (native-agent/build.ts nativeAgentBuildable) */
  nativeBuildable: boolean;
}

/**
 * A QEMU guest's agent: the native one where it can be built; else Node — the host's over 9p (same
 * architecture) or the image's (agentNode image); a foreign-architecture guest with neither gets
 * the native agent (its build then names the missing compiler).
 */
export function chooseQemuAgent(board: QemuBoard, preference: AgentPreference, context: QemuAgentContext): AgentChoice {
  if (preference !== 'auto') return { kind: preference, reason: `asked for (${preference === 'native' ? 'static binary over the 9p share' : 'Node agent'})` };
  const imageNode = (board.qemu.agentNode ?? 'host') === 'image';
  const hostArch = hostBoardArch();
  const nodeReason = imageNode ? "the image carries Debian's nodejs (agentNode image)" : hostArch === board.arch ? `the host's node runs in the ${board.arch} guest over 9p` : undefined;
  if (context.nativeBuildable) return { kind: 'native', reason: `auto: the native agent is built for ${board.arch} (static binary over the 9p share)` };
  if (nodeReason) return { kind: 'node', reason: `auto: no native agent for ${board.arch} (no compiler); ${nodeReason}` };
  return { kind: 'native', reason: `auto: the ${board.arch} guest cannot run this ${hostArch ?? process.arch} host's node and its image has none` };
}

/** A board's agent choice when it has to ask the board (`node --version`): the version found, or why not. */
export function chooseRemoteAgent(preference: AgentPreference, node: { version?: string; problem?: string }): AgentChoice {
  if (preference !== 'auto') return { kind: preference, reason: 'asked for' };
  if (node.version !== undefined) return { kind: 'node', reason: `auto: the board's node is ${node.version}` };
  return { kind: 'native', reason: `auto: ${node.problem ?? 'no usable node on the board'}` };
}

/** The line a run prints about its agent. */
export function describeAgentChoice(choice: AgentChoice): string {
  return `agent: ${choice.kind} (${choice.reason})`;
}
