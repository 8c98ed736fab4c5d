/** Kernel algorithm names are template expressions: gcm(aes), rfc4106(gcm(aes)), authenc(hmac(sha256),cbc(aes)). */

export interface TemplateName {
  template: string;
  args: string[];
}

/** "rfc7539(chacha20,poly1305)" → { template: 'rfc7539', args: ['chacha20', 'poly1305'] }; plain names → undefined. */
export function parseTemplateName(name: string): TemplateName | undefined {
  const open = name.indexOf('(');
  if (open <= 0 || !name.endsWith(')')) return undefined;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < name.length - 1; i++) {
    const ch = name[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) return undefined;
    } else if (ch === ',' && depth === 0) {
      args.push(name.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  args.push(name.slice(start, name.length - 1));
  if (args.some((arg) => arg.length === 0)) return undefined;
  return { template: name.slice(0, open), args };
}

/**
 * Every instantiation of `name`'s template over the drivers of its arguments: cbc(aes) with aes
 * served by aes-aesni and aes-generic gives cbc(aes-aesni) and cbc(aes-generic). `driversOf` names
 * the public drivers registered for an argument; the product is capped at `limit` names.
 */
export function templateInstances(name: string, driversOf: (arg: string) => string[], limit = 16): string[] {
  const parsed = parseTemplateName(name);
  if (!parsed) return [];
  let combos: string[][] = [[]];
  for (const arg of parsed.args) {
    const choices = driversOf(arg);
    const options = choices.length > 0 ? choices : [arg];
    combos = combos.flatMap((combo) => options.map((option) => [...combo, option])).slice(0, limit);
  }
  return combos.map((combo) => `${parsed.template}(${combo.join(',')})`).filter((instance) => instance !== name);
}
