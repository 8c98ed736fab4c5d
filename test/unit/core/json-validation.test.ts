import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { describeSchemaError, readValidatedJson, validatorFor } from '../../../harness/core/json-validation.js';
import { BadInputError } from '../../../harness/core/errors.js';
import { expectBadInput } from '../../support/bad-input.js';

function schemaError(partial: Partial<ErrorObject> & Pick<ErrorObject, 'keyword' | 'params'>): ErrorObject {
  return { instancePath: '', schemaPath: '#', ...partial } as ErrorObject;
}

describe('json-validation', () => {
  let tmp = '';
  let schemaPath = '';

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afalg-json-test-'));
    schemaPath = path.join(tmp, 'thing.schema.json');
    fs.writeFileSync(
      schemaPath,
      JSON.stringify({
        type: 'object',
        additionalProperties: false,
        required: ['name', 'inner'],
        properties: {
          name: { type: 'string' },
          inner: {
            type: 'object',
            additionalProperties: false,
            required: ['size'],
            properties: { size: { type: 'integer', minimum: 1 }, mode: { enum: ['a', 'b'] } },
          },
        },
      }),
    );
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function write(name: string, content: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, content);
    return file;
  }


  describe('describeSchemaError', () => {
    it('names an unknown field with its full path', () => {
      assert.equal(describeSchemaError(schemaError({ keyword: 'additionalProperties', instancePath: '/qemu', params: { additionalProperty: 'memory' } })), "unknown field '/qemu/memory'");
      assert.equal(describeSchemaError(schemaError({ keyword: 'additionalProperties', params: { additionalProperty: 'ram' } })), "unknown field '/ram'");
    });

    it('names a missing field with its full path', () => {
      assert.equal(describeSchemaError(schemaError({ keyword: 'required', instancePath: '/qemu/cpu', params: { missingProperty: 'kvm' } })), "missing field '/qemu/cpu/kvm'");
      assert.equal(describeSchemaError(schemaError({ keyword: 'required', params: { missingProperty: 'name' } })), "missing field '/name'");
    });

    it('lists the allowed values of an enum', () => {
      assert.equal(
        describeSchemaError(schemaError({ keyword: 'enum', instancePath: '/arch', params: { allowedValues: ['x86_64', 'aarch64'] } })),
        `field '/arch' must be one of "x86_64", "aarch64"`,
      );
    });

    it("uses ajv's message for other keywords, and '/' for the root", () => {
      assert.equal(describeSchemaError(schemaError({ keyword: 'type', instancePath: '/smp', params: { type: 'integer' }, message: 'must be integer' })), "field '/smp' must be integer");
      assert.equal(describeSchemaError(schemaError({ keyword: 'type', params: { type: 'object' } })), "field '/' is invalid");
    });
  });

  describe('readValidatedJson', () => {
    it('returns the parsed data when it matches', () => {
      const file = write('good.json', '{"name":"x","inner":{"size":3,"mode":"b"}}');
      assert.deepEqual(readValidatedJson(file, schemaPath), { name: 'x', inner: { size: 3, mode: 'b' } });
    });

    it('names the file and the first failing field', () => {
      expectBadInput(() => readValidatedJson(write('extra.json', '{"name":"x","inner":{"size":3,"colour":1}}'), schemaPath), `${path.join(tmp, 'extra.json')}: unknown field '/inner/colour'`);
      expectBadInput(() => readValidatedJson(write('missing.json', '{"name":"x","inner":{}}'), schemaPath), `${path.join(tmp, 'missing.json')}: missing field '/inner/size'`);
      expectBadInput(() => readValidatedJson(write('small.json', '{"name":"x","inner":{"size":0}}'), schemaPath), `${path.join(tmp, 'small.json')}: field '/inner/size' must be >= 1`);
      expectBadInput(() => readValidatedJson(write('enum.json', '{"name":"x","inner":{"size":1,"mode":"c"}}'), schemaPath), `${path.join(tmp, 'enum.json')}: field '/inner/mode' must be one of "a", "b"`);
    });

    it('names the file when the JSON does not parse', () => {
      const file = write('bad.json', '{"name": "x",');
      assert.throws(
        () => readValidatedJson(file, schemaPath),
        (error: unknown) => error instanceof BadInputError && error.message.startsWith(`${file}: not valid JSON: `),
      );
    });

    it('names the file when it cannot be read', () => {
      const file = path.join(tmp, 'nope.json');
      assert.throws(
        () => readValidatedJson(file, schemaPath),
        (error: unknown) => error instanceof BadInputError && error.message.startsWith(`${file}: cannot read: `) && error.message.includes('ENOENT'),
      );
    });
  });

  describe('validatorFor', () => {
    it('compiles a schema once and reuses it', () => {
      const first = validatorFor(schemaPath);
      assert.equal(validatorFor(schemaPath), first);
      assert.equal(first({ name: 'x', inner: { size: 1 } }), true);
      assert.equal(first({ name: 'x' }), false);
    });
  });
});
