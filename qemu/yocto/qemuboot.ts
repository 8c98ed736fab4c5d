/**
 * Yocto's <image>.qemuboot.conf, as qemuboot.bbclass writes it for runqemu: an INI file (Python
 * configparser: `key = value`, indented continuation lines, keys lowercased) whose [config_bsp]
 * section holds the image's build variables and every QB_* variable. Most QB_ values are QEMU
 * option strings ("-m 256", "-machine virt", "-cpu cortex-a57"). Parsed here into the settings the
 * harness honours, plus every other key with why it is not used. Pure: text in, object out.
 */
import { BadInputError } from '../../harness/core/errors.js';
import type { IgnoredKey } from '../user-image.js';

export interface Qemuboot {
  file: string;
  /** qb_system_name: qemu-system-x86_64, qemu-system-aarch64… */
  systemName: string;
  machineArgs: string[];
  cpuArgs: string[];
  /** qb_cpu_kvm: absent when the machine cannot run under KVM */
  cpuKvmArgs?: string[];
  /** qb_smp (-smp N), 1 when unset */
  smp: number;
  /** qb_mem (-m N, N, NM, NG), 256 when unset as in runqemu */
  memoryMiB: number;
  kernelCmdlineAppend: string[];
  /** qb_default_kernel, relative to the deploy dir */
  defaultKernel?: string;
  /** qb_default_fstype (ext4, ext4.zst, wic, cpio.gz…); runqemu's default is ext4.zst */
  defaultFstype: string;
  /** qb_rootfs_opt with @ROOTFS@ */
  rootfsOptArgs?: string[];
  /** qb_kernel_root, /dev/vda when unset */
  kernelRoot: string;
  dtb?: string;
  serialOptArgs: string[];
  optAppendArgs: string[];
  rngArgs: string[];
  machine?: string;
  imageLinkName?: string;
  imageName?: string;
  kernelImagetype?: string;
  deployDirImage?: string;
  /** serial_consoles: the ttys the image runs a getty on (115200;ttyS0 115200;ttyS1) */
  serialConsoles: string[];
  ignored: IgnoredKey[];
}

/** The sections of an INI text, keys lowercased, continuation lines joined with a newline. */
export function parseIni(text: string, file: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*([#;].*)?$/.test(raw)) return;
    if (/^\s/.test(raw) && section && lastKey !== undefined) {
      section.set(lastKey, `${section.get(lastKey) ?? ''}\n${raw.trim()}`.trim());
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (header?.[1]) {
      section = new Map();
      sections.set(header[1], section);
      lastKey = undefined;
      return;
    }
    const entry = /^([^=:\s][^=:]*?)\s*[=:]\s?(.*)$/.exec(raw);
    if (!entry?.[1] || !section) throw new BadInputError(`${file}:${index + 1}: not a qemuboot.conf line: ${raw.slice(0, 60)}`);
    lastKey = entry[1].toLowerCase();
    section.set(lastKey, (entry[2] ?? '').trim());
  });
  return sections;
}

/** Split a QEMU option string as runqemu does (shlex): whitespace, single and double quotes. */
export function splitOptions(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The keys read into the Qemuboot object. */
const HONOURED = new Set([
  'qb_system_name', 'qb_machine', 'qb_cpu', 'qb_cpu_kvm', 'qb_smp', 'qb_mem', 'qb_kernel_cmdline_append', 'qb_default_kernel',
  'qb_default_fstype', 'qb_rootfs_opt', 'qb_kernel_root', 'qb_dtb', 'qb_serial_opt', 'qb_opt_append', 'qb_rng',
  'machine', 'image_link_name', 'image_name', 'kernel_imagetype', 'deploy_dir_image', 'serial_consoles',
]);

/** Why a key is not used, by key (or key prefix ending in _); the rest get a generic reason. */
const NOT_USED: Array<[string, string]> = [
  ['qb_network_device', 'the guest gets no network: the harness reaches the agent over the serial console or 9p'],
  ['qb_tap_opt', 'no network (tap)'],
  ['qb_slirp_opt', 'no network (slirp)'],
  ['qb_cmdline_ip_', 'no network, so no ip= argument'],
  ['qb_no_pni', 'no network'],
  ['qb_tcpserial_opt', 'the harness reads the console on its own chardev'],
  ['qb_graphics', 'no display (-display none)'],
  ['qb_audio_', 'no audio'],
  ['qb_default_bios', 'the harness boots the kernel directly (-kernel)'],
  ['qb_ovmf', 'the harness boots the kernel directly (-kernel), not through firmware'],
  ['qb_drive_type', 'used by runqemu for hddimg/iso images only, which the harness does not boot'],
  ['qb_fsinfo', 'the harness boots the kernel directly, never from inside a wic image'],
  ['qb_rootfs_extra_opt', 'used by runqemu only when it builds the drive itself for hddimg/iso'],
  ['qb_nfsrootfs_extra_opt', 'no NFS root'],
  ['qb_kernel_cmdline', 'the harness always passes its own -append (console, root)'],
];
/** Build paths runqemu uses to find its own tools: the harness uses the host's QEMU. */
const BUILD_PATHS = new Set(['staging_dir_native', 'staging_bindir_native', 'staging_dir_host', 'uninative_loader', 'tune_arch', 'kernel_image_name', 'kernel_image_bin_ext']);

function ignoredKeys(bsp: Map<string, string>): IgnoredKey[] {
  const ignored: IgnoredKey[] = [];
  for (const [key, value] of bsp) {
    if (HONOURED.has(key) || BUILD_PATHS.has(key) || value === '') continue;
    const reason = NOT_USED.find(([name]) => (name.endsWith('_') ? key.startsWith(name) : key === name))?.[1] ?? 'not a setting the harness knows';
    ignored.push({ key, value, reason });
  }
  return ignored;
}

function optionValue(text: string | undefined, flag: string): string | undefined {
  if (text === undefined || text === '') return undefined;
  const words = splitOptions(text);
  const at = words.indexOf(flag);
  return at >= 0 ? words[at + 1] : words.length === 1 ? words[0] : undefined;
}

/** qb_mem as runqemu reads it: "-m 512", "512", "512M", and QEMU's G suffix. */
export function memoryMiBOf(text: string | undefined, file: string): number {
  const value = optionValue(text, '-m');
  if (value === undefined) return 256;
  const match = /^(\d+)([MmGg]?)$/.exec(value);
  if (!match) throw new BadInputError(`${file}: qb_mem ${JSON.stringify(text)} is not a memory size`);
  return Number(match[1]) * (/[Gg]/.test(match[2] ?? '') ? 1024 : 1);
}

function smpOf(text: string | undefined, file: string): number {
  const value = optionValue(text, '-smp');
  if (value === undefined) return 1;
  const count = Number(value.split(',')[0]?.replace(/^cpus=/, ''));
  if (!Number.isInteger(count) || count < 1) throw new BadInputError(`${file}: qb_smp ${JSON.stringify(text)} is not a CPU count`);
  return count;
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> => (value ? ({ [key]: value } as Record<K, string>) : {});

/** A qemuboot.conf's text into the harness's settings; `file` names it in errors. */
export function parseQemuboot(text: string, file: string): Qemuboot {
  const bsp = parseIni(text, file).get('config_bsp');
  if (!bsp) throw new BadInputError(`${file}: no [config_bsp] section: not a qemuboot.conf written by Yocto's qemuboot class`);
  const get = (key: string): string | undefined => bsp.get(key) || undefined;
  const systemName = get('qb_system_name');
  if (!systemName) throw new BadInputError(`${file}: qb_system_name is not set: which qemu-system binary boots this image is unknown`);
  const cpuKvm = get('qb_cpu_kvm');
  return {
    file,
    systemName,
    machineArgs: splitOptions(get('qb_machine') ?? ''),
    cpuArgs: splitOptions(get('qb_cpu') ?? ''),
    ...(cpuKvm ? { cpuKvmArgs: splitOptions(cpuKvm) } : {}),
    smp: smpOf(get('qb_smp'), file),
    memoryMiB: memoryMiBOf(get('qb_mem'), file),
    kernelCmdlineAppend: splitOptions(get('qb_kernel_cmdline_append') ?? ''),
    ...optional('defaultKernel', get('qb_default_kernel')),
    defaultFstype: get('qb_default_fstype') ?? 'ext4.zst',
    ...(get('qb_rootfs_opt') ? { rootfsOptArgs: splitOptions(get('qb_rootfs_opt') ?? '') } : {}),
    kernelRoot: get('qb_kernel_root') ?? '/dev/vda',
    ...optional('dtb', get('qb_dtb')),
    serialOptArgs: splitOptions(get('qb_serial_opt') ?? ''),
    optAppendArgs: splitOptions(get('qb_opt_append') ?? ''),
    rngArgs: splitOptions(get('qb_rng') ?? ''),
    ...optional('machine', get('machine')),
    ...optional('imageLinkName', get('image_link_name')),
    ...optional('imageName', get('image_name')),
    ...optional('kernelImagetype', get('kernel_imagetype')),
    ...optional('deployDirImage', get('deploy_dir_image')),
    serialConsoles: (get('serial_consoles') ?? '').split(/\s+/).filter(Boolean),
    ignored: ignoredKeys(bsp),
  };
}
