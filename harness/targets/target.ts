/**
 * Layout rule (labgrid's layers): a byte stream to a board ≠ a shell on it ≠ the agent running there.
 * harness/transports/: the byte streams (QEMU's agent socket, a serial port, an SSH connection) and the
 *   shells on them (RemoteShell: SerialShell, SshShell); they know nothing of the agent or of targets.
 * harness/targets/: a Target = the agent running on a board, one file per kind (qemu, serial, ssh, local,
 *   linked = the base of serial and ssh), plus what every kind shares (agent-link, console-lines, open/live).
 */
import type { AgentClient } from './agent-client.js';
import type { HelloResult } from '../protocol/messages.js';
import type { AgentChoice } from './agent-choice.js';

export interface TargetTimings {
  /** from starting the target to the guest's init running (QEMU: first afalg-init line), ms */
  bootMs?: number;
  /** guest uptime when init started the agent, s */
  guestAgentStartS?: number;
  /** from starting the target to the agent's ready line, ms */
  agentReadyMs: number;
}

export interface TargetInfo {
  board: string;
  transport: string;
  arch: string;
  /** kvm | tcg, and why */
  accel?: { accel: string; reason: string };
  kernelPackage?: string;
  hello: HelloResult;
  timings: TargetTimings;
  /** which agent runs (node or native) and why */
  agent?: AgentChoice;
}

/** What the link between host and agent can take. */
export interface LinkLimits {
  /** requests in flight at once (a console without flow control must take one at a time) */
  pipelineDepth: number;
  /** largest request payload, bytes */
  maxRequestBytes: number;
}

/** Where the target's kernel prints its console (a QEMU guest's, a board's serial console). */
export interface KernelConsole {
  /** Call `listener` with every console line from now on; the answer stops it. */
  onLine(listener: (line: string) => void): () => void;
}

export interface Target {
  readonly agent: AgentClient;
  readonly info: TargetInfo;
  /** absent: a fast, flow-controlled link (virtio-serial, SSH) */
  readonly link?: LinkLimits;
  /** the kernel's console, when the harness sees it (QEMU, serial; not SSH or local) */
  readonly kernelConsole?: KernelConsole;
  /** the last console lines (for diagnostics) */
  consoleTail(lines: number): string[];
  /** say bye, wait for the target to stop, kill it if it does not */
  stop(): Promise<void>;
  /** stop at once (signal handlers) */
  kill(): void;
}
