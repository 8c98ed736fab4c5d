#!/usr/bin/env node
/**
 * The agent: runs on the target, executes crypto requests through AF_ALG and answers over a byte
 * stream (a virtio-serial port, a serial tty or stdio) in the framed NDJSON protocol.
 *
 *   node agent/main.js [--port auto|/dev/vportNpM|PATH]   (default: stdio)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { AfAlgError, AfAlgSession } from './afalg-session.js';
import { DAMAGED_LINE_ERROR, FrameDecoder, encodeFrame } from '../protocol/codec.js';
import { PROTOCOL_VERSION, type BindProbe, type BindProbeResult, type KernelConfigText, type Request, type ResolveResult } from '../protocol/messages.js';
import { parseProcCrypto } from '../protocol/proc-crypto.js';
import { refcntMoves } from '../protocol/refcnt-diff.js';
import { sys } from './afalg-ffi.js';
import { HangError, MatrixPool } from './matrix-pool.js';
import { AfAlgBench } from './afalg-bench.js';
import { runCReference } from './c-reference-runner.js';
import { insmodCapturingLog, loadModuleCapturingLog } from './module-loader.js';
import { AGENT_VERSION, VIRTIO_PORT_NAME } from '../protocol/version.js';
import { forwardToKernelExecutor } from './kernel-executor-device.js';
import { KernelLogWatch } from './kernel-log-watch.js';
import { LinkLock, writeAllSync } from './link-lock.js';

const session = new AfAlgSession();
let bench: AfAlgBench | undefined;
/**
 * matrix requests run on worker threads (one per CPU), watched for hangs by this thread;
 * AFALG_AGENT_WORKERS=0 runs them here, unwatched (a hang then shows only as a request timeout)
 */
const pool = process.env.AFALG_AGENT_WORKERS === '0' ? undefined : MatrixPool.forThisMachine();

/** Exit 0 once the pool's workers have started (at most 5 s): exiting while one loads koffi aborts the process. */
async function exitWhenWorkersStarted(): Promise<never> {
  await pool?.whenStarted(5000);
  process.exit(0);
}

function procCrypto(): string {
  return fs.readFileSync('/proc/crypto', 'utf8');
}

function kernelConfig(): KernelConfigText {
  const tried = ['/proc/config.gz', `/boot/config-${os.release()}`];
  const [gzipped, plain] = tried as [string, string];
  if (fs.existsSync(gzipped)) return { source: gzipped, text: zlib.gunzipSync(fs.readFileSync(gzipped)).toString('utf8'), tried };
  if (fs.existsSync(plain)) return { source: plain, text: fs.readFileSync(plain, 'utf8'), tried };
  return { tried };
}

function bindProbes(probes: BindProbe[]): BindProbeResult[] {
  return probes.map((probe) => {
    try {
      sys.close(session.bindSocket(probe.type, probe.name));
      return { ...probe, ok: true };
    } catch (error) {
      if (!(error instanceof AfAlgError)) throw error;
      return { ...probe, ok: false, error: error.errno };
    }
  });
}

function resolve(probes: BindProbe[]): ResolveResult[] {
  return probes.map((probe) => {
    try {
      // instantiate first, so that registering a new template instance is not mistaken for a hold
      sys.close(session.bindSocket(probe.type, probe.name));
      const before = parseProcCrypto(procCrypto());
      const held = session.bindSocket(probe.type, probe.name);
      let after;
      try {
        after = parseProcCrypto(procCrypto());
      } finally {
        sys.close(held);
      }
      return { ...probe, moved: refcntMoves(before, after) };
    } catch (error) {
      if (!(error instanceof AfAlgError)) throw error;
      return { ...probe, error: error.errno, moved: [] };
    }
  });
}

/** the link's writers (this thread and the kernel-log reader) take turns */
const linkLock = new LinkLock();
/** the kernel-log reader thread, started by the first kernel-log request */
let kernelLog: KernelLogWatch | undefined;
let link: Link;

function handle(request: Request): unknown {
  switch (request.op) {
    case 'hello':
      return {
        agentVersion: AGENT_VERSION,
        protocolVersion: PROTOCOL_VERSION,
        kernelRelease: os.release(),
        arch: os.machine(),
        pageSize: session.pageSize,
        node: process.version,
      };
    case 'proc-crypto':
      return { text: procCrypto() };
    case 'kernel-config':
      return kernelConfig();
    case 'bind':
      return { results: bindProbes(request.probes) };
    case 'resolve':
      return { results: resolve(request.probes) };
    case 'run':
      return { outcomes: request.cases.map((c) => session.runCase(c)) };
    case 'matrix':
      return pool ? pool.run(request) : session.runMatrix(request);
    case 'bench':
      if (request.program) return runCReference(request);
      bench ??= new AfAlgBench(session);
      return bench.run(request);
    case 'modprobe':
      return loadModuleCapturingLog(request);
    case 'insmod':
      return insmodCapturingLog(request);
    case 'kexec':
      return { reply: forwardToKernelExecutor(Buffer.from(request.frame, 'base64')).toString('base64') };
    case 'kernel-log':
      kernelLog ??= new KernelLogWatch({ ...(link.fd !== undefined ? { fd: link.fd } : {}), lock: linkLock, write: (frame) => void link.write(frame) }, (line) => pool?.kernelFault(line));
      return kernelLog.query(request);
    case 'bye':
      return {};
    default:
      throw new Error(`unknown op ${JSON.stringify((request as { op: unknown }).op)}`);
  }
}

/** The virtio-serial port named by the host (its /dev node carries only a number). */
function findVirtioPort(name: string): string {
  const base = '/sys/class/virtio-ports';
  for (const port of fs.existsSync(base) ? fs.readdirSync(base) : []) {
    const portName = fs.readFileSync(path.join(base, port, 'name'), 'utf8').trim();
    if (portName === name) return `/dev/${port}`;
  }
  throw new Error(`no virtio-serial port named ${name} under ${base}`);
}

interface Link {
  /** the descriptor another thread may write whole frames to (under linkLock); absent for stdio */
  fd?: number;
  /** resolves when the bytes are handed to the OS (a full pipe makes it wait, never drops them) */
  write(text: string): Promise<void>;
  start(onData: (chunk: Buffer) => void, onEnd: () => void): void;
  close(): void;
}

function stdioLink(): Link {
  return {
    // stdout may be a non-blocking pipe (an SSH exec channel): a synchronous write of a large
    // answer would fail with EAGAIN; the stream queues and honours back-pressure
    write: (text) => new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
    start(onData, onEnd) {
      process.stdin.on('data', onData);
      process.stdin.on('end', onEnd);
    },
    close: () => process.stdin.pause(),
  };
}

/** A character device read on the thread pool. A virtio port reads 0 bytes while the host side is closed: retry. */
function deviceLink(device: string): Link {
  const fd = fs.openSync(device, 'r+');
  let open = true;
  return {
    fd,
    write: async (text) => linkLock.holding(() => writeAllSync(fd, Buffer.from(text), (to, bytes, offset) => fs.writeSync(to, bytes, offset))),
    start(onData) {
      const buffer = Buffer.alloc(1 << 16);
      const next = (): void => {
        if (!open) return;
        fs.read(fd, buffer, 0, buffer.length, null, (error, n) => {
          if (error) {
            process.stderr.write(`agent: read ${device}: ${error.message}\n`);
            process.exit(1);
          }
          if (n > 0) onData(Buffer.from(buffer.subarray(0, n)));
          if (n === 0) setTimeout(next, 20);
          else next();
        });
      };
      next();
    },
    close: () => {
      open = false;
    },
  };
}

function main(): void {
  const portArg = process.argv.indexOf('--port');
  const port = portArg >= 0 ? process.argv[portArg + 1] : undefined;
  link = port === undefined ? stdioLink() : deviceLink(port === 'auto' ? findVirtioPort(VIRTIO_PORT_NAME) : port);

  const queue: Request[] = [];
  let busy = false;
  let ending = false;
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      const request = queue.shift() as Request;
      let reply: unknown;
      try {
        reply = { id: request.id, ok: true, result: await handle(request) };
      } catch (error) {
        const err = error as Error & { code?: string };
        reply = { id: request.id, ok: false, error: { message: err.message, code: err.code, ...(error instanceof HangError ? { hang: error.hang } : {}) } };
      }
      await link.write(encodeFrame(reply));
      if (request.op === 'bye') {
        ending = true;
        session.close();
        link.close();
        await exitWhenWorkersStarted();
      }
    }
    busy = false;
    if (inputEnded) finish();
  };
  let inputEnded = false;
  const finish = (): void => {
    if (ending) return;
    ending = true;
    session.close();
    void exitWhenWorkersStarted();
  };

  const decoder = new FrameDecoder({
    onMessage(message) {
      const request = message as Request;
      if (typeof request !== 'object' || request === null || typeof request.id !== 'number' || typeof request.op !== 'string') {
        void link.write(encodeFrame({ id: -1, ok: false, error: { message: 'malformed request: needs numeric id and string op' } }));
        return;
      }
      queue.push(request);
      // answer in order, one batch at a time; let I/O run between batches
      setImmediate(() => void drain());
    },
    onCorrupt(line) {
      void link.write(encodeFrame({ id: -1, ok: false, error: { message: `corrupt frame: ${line.slice(0, 80)}` } }));
    },
    onUnframedLine(line) {
      void link.write(encodeFrame({ id: -1, ok: false, error: { message: `${DAMAGED_LINE_ERROR}: ${line.slice(0, 80)}` } }));
    },
  });

  link.start(
    (chunk) => decoder.push(chunk),
    () => {
      // the host closed its end: answer what was asked, then leave
      inputEnded = true;
      if (!busy && queue.length === 0) finish();
    },
  );
  void link.write(encodeFrame({ event: 'ready', agentVersion: AGENT_VERSION, pid: process.pid }));
}

main();
