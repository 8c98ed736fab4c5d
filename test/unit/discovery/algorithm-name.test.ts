import assert from 'node:assert/strict';
import { parseTemplateName, templateInstances } from '../../../harness/discovery/algorithm-name.js';

describe('discovery/algorithm-name', () => {
  describe('parseTemplateName', () => {
    it('parses a single-argument template', () => {
      assert.deepEqual(parseTemplateName('cbc(aes)'), { template: 'cbc', args: ['aes'] });
    });

    it('keeps nested templates as one argument', () => {
      assert.deepEqual(parseTemplateName('rfc4106(gcm(aes))'), { template: 'rfc4106', args: ['gcm(aes)'] });
      assert.deepEqual(parseTemplateName('cts(cbc(aes))'), { template: 'cts', args: ['cbc(aes)'] });
    });

    it('splits multiple arguments at top-level commas only', () => {
      assert.deepEqual(parseTemplateName('rfc7539(chacha20,poly1305)'), { template: 'rfc7539', args: ['chacha20', 'poly1305'] });
      assert.deepEqual(parseTemplateName('authenc(hmac(sha256),cbc(aes))'), { template: 'authenc', args: ['hmac(sha256)', 'cbc(aes)'] });
      assert.deepEqual(parseTemplateName('gcm_base(ctr(aes-generic),ghash-generic)'), {
        template: 'gcm_base',
        args: ['ctr(aes-generic)', 'ghash-generic'],
      });
      assert.deepEqual(parseTemplateName('rfc4309(ccm_base(ctr(aes-aesni),cbcmac(aes-aesni)))'), {
        template: 'rfc4309',
        args: ['ccm_base(ctr(aes-aesni),cbcmac(aes-aesni))'],
      });
    });

    it('returns undefined for plain names and driver names', () => {
      for (const name of ['aes', 'sha256', 'cbc-aes-aesni', 'sha3-256-generic', '']) {
        assert.equal(parseTemplateName(name), undefined, name);
      }
    });

    it('returns undefined for malformed names', () => {
      for (const name of [
        '(aes)', // no template
        'cbc(aes', // unclosed
        'cbc(aes))', // extra close
        'cbc(aes)x', // text after the close
        'cbc(a)(b)', // two groups
        'cbc()', // empty argument
        'rfc7539(chacha20,)', // empty second argument
        'rfc7539(,poly1305)', // empty first argument
        'authenc(hmac(sha256),cbc(aes)', // unbalanced nested
        'cts(cbc(aes)))',
      ]) {
        assert.equal(parseTemplateName(name), undefined, name);
      }
    });
  });

  describe('templateInstances', () => {
    const drivers: Record<string, string[]> = {
      aes: ['aes-aesni', 'aes-generic'],
      chacha20: ['chacha20-simd', 'chacha20-generic'],
      poly1305: ['poly1305-simd', 'poly1305-generic'],
      'cbc(aes)': ['cbc-aes-aesni', 'cbc(aes-generic)'],
    };
    const driversOf = (arg: string): string[] => drivers[arg] ?? [];

    it('instantiates a template over every driver of its argument', () => {
      assert.deepEqual(templateInstances('cbc(aes)', driversOf), ['cbc(aes-aesni)', 'cbc(aes-generic)']);
    });

    it('takes the cartesian product over several arguments, first argument outermost', () => {
      assert.deepEqual(templateInstances('rfc7539(chacha20,poly1305)', driversOf), [
        'rfc7539(chacha20-simd,poly1305-simd)',
        'rfc7539(chacha20-simd,poly1305-generic)',
        'rfc7539(chacha20-generic,poly1305-simd)',
        'rfc7539(chacha20-generic,poly1305-generic)',
      ]);
    });

    it('uses the drivers of a nested template argument as a whole', () => {
      assert.deepEqual(templateInstances('cts(cbc(aes))', driversOf), ['cts(cbc-aes-aesni)', 'cts(cbc(aes-generic))']);
    });

    it('keeps an argument without drivers as it is', () => {
      assert.deepEqual(templateInstances('rfc7539(chacha20,sm3)', driversOf), ['rfc7539(chacha20-simd,sm3)', 'rfc7539(chacha20-generic,sm3)']);
    });

    it('excludes the name itself', () => {
      assert.deepEqual(templateInstances('cbc(sm4)', driversOf), []);
      const withSelf = (arg: string): string[] => (arg === 'aes' ? ['aes', 'aes-generic'] : []);
      assert.deepEqual(templateInstances('cbc(aes)', withSelf), ['cbc(aes-generic)']);
    });

    it('returns nothing for a plain or malformed name', () => {
      assert.deepEqual(templateInstances('aes', driversOf), []);
      assert.deepEqual(templateInstances('cbc(aes', driversOf), []);
    });

    it('caps the product at the limit', () => {
      const five = (arg: string): string[] => [1, 2, 3, 4, 5].map((n) => `${arg}-${n}`);
      const all = templateInstances('t(a,b)', five, 100);
      assert.equal(all.length, 25);
      assert.equal(new Set(all).size, 25);
      const capped = templateInstances('t(a,b)', five);
      assert.equal(capped.length, 16, 'default limit');
      assert.deepEqual(capped, all.slice(0, 16));
      assert.deepEqual(templateInstances('t(a,b)', five, 3), ['t(a-1,b-1)', 't(a-1,b-2)', 't(a-1,b-3)']);
    });

    it('asks driversOf about each argument once per occurrence', () => {
      const asked: string[] = [];
      templateInstances('authenc(hmac(sha256),cbc(aes))', (arg) => {
        asked.push(arg);
        return [];
      });
      assert.deepEqual(asked, ['hmac(sha256)', 'cbc(aes)']);
    });
  });
});
