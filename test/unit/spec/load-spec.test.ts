import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../harness/core/paths.js';
import { matchesAny } from '../../../harness/plan/name-pattern.js';
import { driversSpecDir, driversSpecPath, driversSpecSchemaPath, listDriversSpecs, loadDriversSpec, specContent } from '../../../harness/spec/load-spec.js';
import { expectBadInput } from '../../support/bad-input.js';
import { useTempDir } from '../../support/temp-dir.js';
import { FAILING, SHIPPED } from './spec-fixture.js';

describe('spec/load-spec', () => {
  describe('reading and validation', () => {
    const tmp = useTempDir('afalg-spec-test-');
    let counter = 0;
    const write = (content: unknown): string => {
      const file = path.join(tmp.path, `spec-${++counter}.json`);
      fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    };
    const spec = (...requirements: unknown[]): unknown => ({ name: 'vendor-x', requirements });
    const servedBy = { id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: 'virtio_crypto_*|*-aesni' };

    it('keeps the specs and their schema in drivers-spec/, a bare name meaning a bundled one', () => {
      assert.equal(driversSpecDir, path.join(projectRoot, 'drivers-spec'));
      assert.equal(driversSpecSchemaPath, path.join(projectRoot, 'drivers-spec', 'drivers-spec.schema.json'));
      assert.equal(driversSpecPath('qemu-x86_64'), SHIPPED);
      assert.equal(driversSpecPath('/x/y.json'), '/x/y.json');
      assert.equal(driversSpecPath('mine.json'), path.resolve('mine.json'));
      assert.ok(listDriversSpecs().includes('qemu-x86_64'));
      assert.ok(!listDriversSpecs().some((name) => name.includes('schema')));
    });

    it('loads a valid spec with every field, recording the file', () => {
      const file = write({ ...(spec(servedBy, { id: 'fast', kind: 'min-throughput', algorithm: 'cbc(aes)', size: 4096, mbPerSecond: 20, op: 'decrypt', target: 'virtio_crypto_*', path: 'zerocopy', why: 'because' }) as object), description: 'd' });
      const loaded = loadDriversSpec(file);
      assert.equal(loaded.name, 'vendor-x');
      assert.equal(loaded.description, 'd');
      assert.equal(loaded.file, file);
      assert.deepEqual(loaded.requirements[0], servedBy);
      assert.deepEqual(specContent(loaded), { name: 'vendor-x', description: 'd', requirements: loaded.requirements });
    });

    it('rejects an unknown kind, naming the file and the field', () => {
      const file = write(spec(servedBy, { id: 'x', kind: 'fast-enough', algorithm: 'cbc(aes)' }));
      const message = expectBadInput(() => loadDriversSpec(file));
      assert.ok(message.startsWith(`${file}: field '/requirements/1/kind' must be one of "served-by", "passes-vectors"`), message);
    });

    it('rejects a missing field of the kind', () => {
      const file = write(spec({ id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)' }));
      assert.equal(expectBadInput(() => loadDriversSpec(file)), `${file}: missing field '/requirements/0/driver'`);
      const noId = write(spec({ kind: 'no-critical-verdicts' }));
      assert.equal(expectBadInput(() => loadDriversSpec(noId)), `${noId}: missing field '/requirements/0/id'`);
      const noName = write({ requirements: [servedBy] });
      assert.equal(expectBadInput(() => loadDriversSpec(noName)), `${noName}: missing field '/name'`);
    });

    it('rejects a field another kind has, and an unknown top-level field', () => {
      const file = write(spec({ ...servedBy, priority: 3 }));
      assert.equal(expectBadInput(() => loadDriversSpec(file)), `${file}: unknown field '/requirements/0/priority'`);
      const top = write({ ...(spec(servedBy) as object), vendor: 'x' });
      assert.equal(expectBadInput(() => loadDriversSpec(top)), `${top}: unknown field '/vendor'`);
    });

    it('explains a bad pattern: a regular expression, an empty alternative, white space', () => {
      const regex = write(spec({ ...servedBy, driver: 'virtio_crypto_.*' }));
      const message = expectBadInput(() => loadDriversSpec(regex));
      assert.ok(message.startsWith(`${regex}: field '/requirements/0/driver' is not a name pattern: "virtio_crypto_.*" looks like a regular expression;`), message);
      assert.match(message, /\* and \? are wildcards, alternatives separated by \|/);
      const anchored = write(spec({ id: 'v', kind: 'passes-vectors', module: '^aesni_intel$' }));
      assert.match(expectBadInput(() => loadDriversSpec(anchored)), /field '\/requirements\/0\/module' is not a name pattern: "\^aesni_intel\$" looks like a regular expression/);
      const empty = write(spec({ ...servedBy, driver: 'a||b' }));
      assert.match(expectBadInput(() => loadDriversSpec(empty)), /field '\/requirements\/0\/driver' is not a name pattern: "a\|\|b" has an empty alternative/);
      const spaced = write(spec({ id: 'v', kind: 'no-critical-verdicts', algorithm: 'cbc(aes) | gcm(aes)' }));
      assert.match(expectBadInput(() => loadDriversSpec(spaced)), /field '\/requirements\/0\/algorithm' is not a name pattern: .* contains white space/);
      const wildAlgorithm = write(spec({ id: 'p', kind: 'min-priority', algorithm: 'sha*', priority: 100 }));
      assert.match(expectBadInput(() => loadDriversSpec(wildAlgorithm)), /field '\/requirements\/0\/algorithm' must be one algorithm name such as cbc\(aes\) \(no wildcards/);
    });

    it('rejects wrong types and values, duplicate ids, an empty list, bad JSON and a missing file', () => {
      const priority = write(spec({ id: 'p', kind: 'min-priority', algorithm: 'sha256', priority: '150' }));
      assert.equal(expectBadInput(() => loadDriversSpec(priority)), `${priority}: field '/requirements/0/priority' must be integer`);
      const op = write(spec({ id: 't', kind: 'min-throughput', algorithm: 'sha256', size: 4096, mbPerSecond: 5, op: 'hash' }));
      assert.equal(expectBadInput(() => loadDriversSpec(op)), `${op}: field '/requirements/0/op' must be one of "encrypt", "decrypt", "digest"`);
      const duplicate = write(spec(servedBy, { ...servedBy, driver: 'x' }));
      assert.equal(expectBadInput(() => loadDriversSpec(duplicate)), `${duplicate}: field '/requirements/1/id': duplicate requirement id 'cbc' (also /requirements/0/id)`);
      const none = write(spec());
      assert.match(expectBadInput(() => loadDriversSpec(none)), /field '\/requirements' must NOT have fewer than 1 items/);
      const broken = write('{"name": "x", ');
      assert.match(expectBadInput(() => loadDriversSpec(broken)), new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
      assert.match(expectBadInput(() => loadDriversSpec(path.join(tmp.path, 'absent.json'))), /absent\.json: no such drivers-spec file \(bundled specs: .*qemu-x86_64/);
    });

    it('ships a schema with additionalProperties false on every object it defines', () => {
      const schema = JSON.parse(fs.readFileSync(driversSpecSchemaPath, 'utf8')) as { additionalProperties: boolean; definitions: Record<string, { type?: string; properties?: object; additionalProperties?: boolean; allOf?: unknown }> };
      assert.equal(schema.additionalProperties, false);
      for (const [name, definition] of Object.entries(schema.definitions)) {
        if (definition.type !== 'object' || definition.allOf) continue;
        assert.equal(definition.additionalProperties, false, name);
      }
    });

    it('validates the shipped qemu-x86_64 spec and the failing fixture, every kind present', () => {
      const shipped = loadDriversSpec('qemu-x86_64');
      assert.equal(shipped.file, SHIPPED);
      assert.deepEqual([...new Set(shipped.requirements.map((r) => r.kind))].sort(), ['min-priority', 'min-throughput', 'no-critical-verdicts', 'passes-vectors', 'served-by']);
      assert.ok(shipped.requirements.every((r) => r.why !== undefined && r.why.length > 20), 'each says why');
      const verdictRules = shipped.requirements.filter((r) => r.kind === 'no-critical-verdicts');
      assert.ok(verdictRules.length > 0);
      for (const rule of verdictRules) {
        assert.ok(rule.algorithm !== undefined && !matchesAny('rsa', rule.algorithm.split('|')), 'no no-critical-verdicts over rsa: the board has a known critical rsa verdict');
      }
      const failing = loadDriversSpec(FAILING);
      assert.equal(failing.requirements.length, 2);
    });
  });
});
