/**
 * The only module that touches native code: libc through koffi.
 *
 * Hot paths allocate nothing per operation: every pointer argument is a raw address (declared
 * `uintptr_t`) into one native arena allocated once, so a call is a plain integer hand-off with no
 * struct conversion. Struct layouts (msghdr, cmsghdr, iovec) come from koffi's own layout rules,
 * so the same code is right on 64-bit and 32-bit targets.
 */
import koffi from 'koffi';
import { constants as osConstants } from 'node:os';

const libc = koffi.load('libc.so.6');

export const sys = {
  socket: libc.func('int socket(int domain, int type, int protocol)') as (domain: number, type: number, protocol: number) => number,
  bind: libc.func('int bind(int fd, uintptr_t addr, uint32_t len)') as (fd: number, addr: number, len: number) => number,
  setsockopt: libc.func('int setsockopt(int fd, int level, int name, uintptr_t value, uint32_t len)') as (
    fd: number,
    level: number,
    name: number,
    value: number,
    len: number,
  ) => number,
  accept: libc.func('int accept(int fd, uintptr_t addr, uintptr_t len)') as (fd: number, addr: number, len: number) => number,
  sendmsg: libc.func('intptr_t sendmsg(int fd, uintptr_t msg, int flags)') as (fd: number, msg: number, flags: number) => number,
  read: libc.func('intptr_t read(int fd, uintptr_t buf, size_t n)') as (fd: number, buf: number, n: number) => number,
  write: libc.func('intptr_t write(int fd, uintptr_t buf, size_t n)') as (fd: number, buf: number, n: number) => number,
  close: libc.func('int close(int fd)') as (fd: number) => number,
  pipe2: libc.func('int pipe2(uintptr_t fds, int flags)') as (fds: number, flags: number) => number,
  vmsplice: libc.func('intptr_t vmsplice(int fd, uintptr_t iov, size_t nr, unsigned int flags)') as (fd: number, iov: number, nr: number, flags: number) => number,
  splice: libc.func('intptr_t splice(int fdIn, uintptr_t offIn, int fdOut, uintptr_t offOut, size_t len, unsigned int flags)') as (
    fdIn: number,
    offIn: number,
    fdOut: number,
    offOut: number,
    len: number,
    flags: number,
  ) => number,
  getpagesize: libc.func('int getpagesize(void)') as () => number,
};

const syscall = libc.func('long syscall(long number, ...)') as (...args: unknown[]) => number | bigint;

/** finit_module(2) system call numbers (glibc has no wrapper). */
const FINIT_MODULE: Record<string, number> = { x64: 313, arm64: 273, arm: 379, ia32: 350, riscv64: 273 };

/** Load a kernel module from an open file with a parameter string; returns 0 or -1 (errno set). */
export function finitModule(fd: number, params: string): number {
  const number = FINIT_MODULE[process.arch];
  if (number === undefined) throw new Error(`finit_module: no system call number known for ${process.arch}`);
  return Number(syscall(number, 'int', fd, 'const char *', params, 'int', 0));
}

/** errno of the last libc call made through `sys`. */
export function lastErrno(): number {
  return koffi.errno();
}

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(osConstants.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export const AF_ALG = 38;
export const SOCK_SEQPACKET = 5;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_ALG = 279;
export const ALG_SET_KEY = 1;
export const ALG_SET_IV = 2;
export const ALG_SET_OP = 3;
export const ALG_SET_AEAD_ASSOCLEN = 4;
export const ALG_SET_AEAD_AUTHSIZE = 5;
export const ALG_OP_DECRYPT = 0;
export const ALG_OP_ENCRYPT = 1;
export const MSG_MORE = 0x8000;
export const SPLICE_F_MORE = 4;
export const O_CLOEXEC = 0o2000000;
/** a pipe holds 16 pages by default: one splice moves at most that much */
export const PIPE_PAGES = 16;

const msghdrType = koffi.struct('afalg_msghdr', {
  msg_name: 'void *',
  msg_namelen: 'uint32_t',
  msg_iov: 'void *',
  msg_iovlen: 'size_t',
  msg_control: 'void *',
  msg_controllen: 'size_t',
  msg_flags: 'int',
});
const cmsghdrType = koffi.struct('afalg_cmsghdr', { cmsg_len: 'size_t', cmsg_level: 'int', cmsg_type: 'int' });
const iovecType = koffi.struct('afalg_iovec', { iov_base: 'void *', iov_len: 'size_t' });

/** Native struct layout of this process's ABI. */
export const layout = {
  pointerSize: koffi.sizeof('void *'),
  sizeT: koffi.sizeof('size_t'),
  msghdr: {
    size: koffi.sizeof(msghdrType),
    iov: koffi.offsetof(msghdrType, 'msg_iov'),
    iovlen: koffi.offsetof(msghdrType, 'msg_iovlen'),
    control: koffi.offsetof(msghdrType, 'msg_control'),
    controllen: koffi.offsetof(msghdrType, 'msg_controllen'),
  },
  cmsghdr: {
    size: koffi.sizeof(cmsghdrType),
    level: koffi.offsetof(cmsghdrType, 'cmsg_level'),
    type: koffi.offsetof(cmsghdrType, 'cmsg_type'),
  },
  iovec: { size: koffi.sizeof(iovecType), len: koffi.offsetof(iovecType, 'iov_len') },
  /** CMSG_ALIGN: control messages are aligned to size_t */
  cmsgAlign(length: number): number {
    const a = koffi.sizeof('size_t');
    return Math.ceil(length / a) * a;
  },
};

/**
 * One block of native memory, page-aligned, with a JS view onto it. Addresses are plain numbers
 * (user-space addresses fit in 2^53 on every target we run on).
 */
export class NativeArena {
  readonly base: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private readonly handle: unknown;

  constructor(
    readonly size: number,
    readonly pageSize: number,
  ) {
    this.handle = koffi.alloc('uint8_t', size + pageSize);
    const raw = Number(koffi.address(this.handle));
    this.base = Math.ceil(raw / pageSize) * pageSize;
    const whole = new Uint8Array(koffi.view(this.handle, size + pageSize));
    this.bytes = whole.subarray(this.base - raw, this.base - raw + size);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, size);
  }

  /** write a size_t / pointer-sized value */
  setWord(offset: number, value: number): void {
    if (layout.sizeT === 8) this.view.setBigUint64(offset, BigInt(value), true);
    else this.view.setUint32(offset, value, true);
  }

  free(): void {
    koffi.free(this.handle);
  }
}
