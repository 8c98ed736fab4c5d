/**
 * Choosing the kernel modules that go into the guest image: the closure of the board's include list
 * over modules.dep, and the ordered list of modules to load at boot.
 */

/** modules.dep: "kernel/crypto/gcm.ko: kernel/crypto/ghash-generic.ko ..." */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`modules.dep: line without ':': ${line.slice(0, 80)}`);
    deps.set(line.slice(0, colon), line.slice(colon + 1).split(/\s+/).filter(Boolean));
  }
  return deps;
}

/** "kernel/crypto/sha3_generic.ko" → "sha3_generic" (module names use _ where files may use -). */
export function moduleName(modulePath: string): string {
  const base = modulePath.slice(modulePath.lastIndexOf('/') + 1).replace(/\.ko(\.(xz|zst|gz))?$/, '');
  return base.replace(/-/g, '_');
}

function isDirectoryPattern(entry: string): boolean {
  return entry.includes('/');
}

function matches(entry: string, modulePath: string): boolean {
  if (isDirectoryPattern(entry)) return modulePath.startsWith(entry.replace(/\/?$/, '/'));
  return moduleName(modulePath) === entry.replace(/-/g, '_');
}

export interface ModuleSelection {
  /** module paths (relative to lib/modules/KVER) to copy, dependencies included */
  files: string[];
  /** include entries that matched nothing */
  unmatched: string[];
}

export function selectModules(deps: Map<string, string[]>, include: string[]): ModuleSelection {
  const all = [...deps.keys()];
  const roots: string[] = [];
  const unmatched: string[] = [];
  for (const entry of include) {
    const hits = all.filter((modulePath) => matches(entry, modulePath));
    if (hits.length === 0) unmatched.push(entry);
    roots.push(...hits);
  }
  const chosen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const modulePath = stack.pop() as string;
    if (chosen.has(modulePath)) continue;
    chosen.add(modulePath);
    stack.push(...(deps.get(modulePath) ?? []));
  }
  return { files: [...chosen].sort(), unmatched };
}

/** Expand the preload list (names and directories) into module names, in the board's order. */
export function preloadOrder(files: string[], preload: string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const entry of preload) {
    const hits = isDirectoryPattern(entry) ? files.filter((file) => matches(entry, file)).sort() : [entry];
    for (const file of hits) {
      const name = isDirectoryPattern(entry) ? moduleName(file) : entry.replace(/-/g, '_');
      if (!seen.has(name)) {
        seen.add(name);
        order.push(name);
      }
    }
  }
  return order;
}

const SIGNATURE_MAGIC = Buffer.from('~Module signature appended~\n');
/** struct module_signature: algo, hash, id_type, signer_len, key_id_len, pad[3], sig_len (be32) */
const SIGNATURE_INFO_LENGTH = 12;

/**
 * Remove an appended module signature. Debian's modules are signed but the kernel does not enforce
 * signatures; unsigned modules load with a taint. Stripping them keeps module loading independent of
 * the crypto drivers under test: once virtio_crypto registered its self-test-failing RSA driver,
 * signature checks of later modules were refused ("Key was rejected by service").
 */
export function stripModuleSignature(module: Buffer): Buffer {
  if (module.length < SIGNATURE_MAGIC.length + SIGNATURE_INFO_LENGTH) return module;
  const magicAt = module.length - SIGNATURE_MAGIC.length;
  if (!module.subarray(magicAt).equals(SIGNATURE_MAGIC)) return module;
  const signatureLength = module.readUInt32BE(magicAt - 4);
  const end = magicAt - SIGNATURE_INFO_LENGTH - signatureLength;
  if (end <= 0) throw new Error(`module signature length ${signatureLength} exceeds the module`);
  return module.subarray(0, end);
}
