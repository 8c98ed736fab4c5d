import assert from 'node:assert/strict';
import { summarize } from '../../../harness/results/summary.js';
import type { ResultLine } from '../../../harness/results/result-model.js';
import type { RunMeta } from '../../../harness/results/run-record.js';
import { renderJunit, xmlEscape } from '../../../reports/junit.js';
import { ALGORITHM, fixtureLines, fixtureMeta, INCIDENT, VIRTIO_FAILURE, WYCHEPROOF } from '../results/run-fixture.js';
import { runReportOf } from '../../../harness/results/run-report.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Characters XML 1.0 allows in a document at all. */
const XML_CHAR = /^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const NAME = '[A-Za-z_:][A-Za-z0-9_:.-]*';

function decode(text: string, where: string): string {
  return text.replace(/&([^;]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new Error(`${where}: bare & in ${JSON.stringify(text)}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body] as string;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw new Error(`${where}: unknown entity &${body};`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    const ch = String.fromCodePoint(code);
    if (!XML_CHAR.test(ch)) throw new Error(`${where}: character reference to an illegal character &${body};`);
    return ch;
  });
}

/** A small, strict XML 1.0 well-formedness check (no DTD, no CDATA, no comments): throws on any fault. */
function parseXml(xml: string): XmlElement {
  if (!XML_CHAR.test(xml)) throw new Error('document holds characters XML 1.0 forbids');
  let rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (rest === xml) throw new Error('missing XML declaration');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (text.length > 0) {
      if (text.includes('>')) throw new Error(`raw > in text ${JSON.stringify(text.slice(0, 40))}`);
      const parent = stack.at(-1);
      if (!parent) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
      } else parent.text += decode(text, parent.name);
    }
    if (lt < 0) break;
    rest = rest.slice(lt);
    const close = new RegExp(`^</(${NAME})\\s*>`).exec(rest);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> closes <${open?.name ?? 'nothing'}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const start = new RegExp(`^<(${NAME})`).exec(rest);
    if (!start) throw new Error(`bad markup at ${JSON.stringify(rest.slice(0, 40))}`);
    const element: XmlElement = { name: start[1] as string, attributes: {}, children: [], text: '' };
    rest = rest.slice(start[0].length);
    for (;;) {
      const attribute = new RegExp(`^\\s+(${NAME})="([^"<]*)"`).exec(rest);
      if (!attribute) break;
      const [whole, name, value] = attribute as unknown as [string, string, string];
      if (name in element.attributes) throw new Error(`duplicate attribute ${name} on <${element.name}>`);
      element.attributes[name] = decode(value, `${element.name}@${name}`);
      rest = rest.slice(whole.length);
    }
    const end = /^\s*(\/?)>/.exec(rest);
    if (!end) throw new Error(`bad tag end on <${element.name}> at ${JSON.stringify(rest.slice(0, 40))}`);
    rest = rest.slice(end[0].length);
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new Error('two root elements');
    else root = element;
    if (end[1] !== '/') stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

const suiteNamed = (root: XmlElement, name: string): XmlElement | undefined => root.children.find((suite) => suite.name === 'testsuite' && suite.attributes.name === name);
const caseNamed = (suite: XmlElement | undefined, name: string): XmlElement | undefined => suite?.children.find((c) => c.name === 'testcase' && c.attributes.name === name);
const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => element?.children.find((c) => c.name === name);

describe('reports/junit', () => {
  it('escapes markup, quotes and characters XML 1.0 cannot carry', () => {
    assert.equal(xmlEscape('a<b & "c" \'d\' >'), 'a&lt;b &amp; "c" \'d\' &gt;');
    assert.equal(xmlEscape('a<b & "c" \'d\'\n\te', true), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;&#9;e');
    assert.equal(xmlEscape('nul\u0000 bell\u0007 esc\u001b ok\ttab\r'), 'nul\\u0000 bell\\u0007 esc\\u001b ok\ttab&#13;');
    assert.equal(xmlEscape('lone \ud800 pair \ud83d\ude00 \uffff'), 'lone \\ud800 pair \ud83d\ude00 \\uffff');
  });

  it('is well-formed: one suite per algorithm, one case per target, the failure with its case id and strategy', () => {
    const meta = fixtureMeta();
    const xml = renderJunit(runReportOf(meta, summarize(meta, [...fixtureLines(), INCIDENT])));
    const root = parseXml(xml);
    assert.equal(root.name, 'testsuites');
    const suite = suiteNamed(root, ALGORITHM);
    assert.ok(suite);
    const properties = Object.fromEntries((child(suite, 'properties')?.children ?? []).map((p) => [p.attributes.name, p.attributes.value]));
    assert.equal(properties.board, 'qemu-x86_64');
    assert.equal(properties.kernel, '6.8.0-51-generic');
    assert.equal(properties.accelerator, 'kvm (/dev/kvm is usable)');
    const cases = suite.children.filter((c) => c.name === 'testcase');
    assert.deepEqual(
      cases.map((c) => [c.attributes.name, c.attributes.classname]),
      [
        ['cbc(aes)', ALGORITHM],
        ['cbc-aes-aesni', ALGORITHM],
        ['cbc(aes-aesni)', ALGORITHM],
        ['virtio_crypto_aes_cbc', ALGORITHM],
        ['cbc(aes-generic)', ALGORITHM],
        ['priority selection (cbc-aes-aesni selected)', ALGORITHM],
        [`incident 1: ${INCIDENT.kind === 'incident' ? INCIDENT.source : ''}`, ALGORITHM],
      ],
    );
    // virtio fails, but it is not the selected driver: no critical verdict
    assert.equal(child(caseNamed(suite, 'priority selection (cbc-aes-aesni selected)'), 'failure'), undefined);
    const failure = child(caseNamed(suite, 'virtio_crypto_aes_cbc'), 'failure');
    assert.ok(failure);
    assert.equal(failure.attributes.message, `1 failed (page-cross): ${WYCHEPROOF} tcId 117 [page-cross]`);
    assert.match(failure.text, /tcId 117 \[page-cross\] decrypt: wrong answer \(valid vector\)/);
    assert.match(failure.text, /\n {2}expected …00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \(80 bytes, shown from byte 48\)\n {2}got {6}…[0-9a-f]{32}deadbeef/);
    assert.match(failure.text, /\n {2}differs {2}from byte 64\n/);
    // CI shows this text: the line that reruns the case alone
    assert.match(failure.text, /\n {2}rerun {4}afalg-harness run --board \S+ --alg 'cbc\(aes\)' --driver virtio_crypto_aes_cbc --strategies page-cross --case 'tcId 117' --seed 5eed/);
    assert.equal(child(caseNamed(suite, 'cbc-aes-aesni'), 'failure'), undefined);
    assert.equal(suite.attributes.tests, '7');
    assert.equal(suite.attributes.failures, '2');
    const run = suiteNamed(root, 'run');
    assert.equal(child(caseNamed(run, 'run-complete'), 'failure'), undefined);
    assert.equal(root.attributes.time, '259.500');
  });

  it('a critical priority verdict fails the algorithm\'s priority case: the selected driver fails vectors', () => {
    const lines = fixtureLines().map((line) =>
      line.kind === 'tally' && line.target === 'cbc-aes-aesni' && line.strategy === 'oneshot' ? { ...line, failed: 1, failures: [{ ...VIRTIO_FAILURE, strategy: 'oneshot' as const }] } : line,
    );
    const root = parseXml(renderJunit(runReportOf(fixtureMeta(), summarize(fixtureMeta(), lines))));
    const suite = suiteNamed(root, ALGORITHM);
    assert.ok(suite);
    const failure = child(caseNamed(suite, 'priority selection (cbc-aes-aesni selected)'), 'failure');
    assert.equal(failure?.attributes.type, 'priority-critical');
    assert.match(failure?.attributes.message ?? '', /the generic name cbc\(aes\) selects cbc-aes-aesni \(priority 400\), which fails vectors/);
  });

  it('a partial run fails run-complete with the reason; silent targets are skipped; unbindable drivers fail', () => {
    const meta = fixtureMeta({ complete: false, incompleteReason: 'target stopped answering <during> "cbc(aes)" & then\u0001' });
    const lines: ResultLine[] = [
      { kind: 'unbindable', algorithm: ALGORITHM, target: 'cbc-aes-broken', error: 'ELIBBAD' },
      { kind: 'unusable', algorithm: ALGORITHM, source: 'nist/bad.rsp', error: 'line 3: no "=" in <record>' },
      ...fixtureLines().filter((line) => !(line.kind === 'tally' && line.target === 'cbc(aes-generic)')),
    ];
    const root = parseXml(renderJunit(runReportOf(meta, summarize(meta, lines))));
    const runComplete = child(caseNamed(suiteNamed(root, 'run'), 'run-complete'), 'failure');
    assert.equal(runComplete?.attributes.message, 'target stopped answering <during> "cbc(aes)" & then\\u0001');
    const suite = suiteNamed(root, ALGORITHM);
    assert.equal(child(caseNamed(suite, 'cbc(aes-generic)'), 'skipped')?.attributes.message, 'not run: no results came back for this target');
    assert.equal(child(caseNamed(suite, 'cbc-aes-broken'), 'failure')?.attributes.message, 'cannot bind the driver by its unique name: ELIBBAD');
    assert.equal(child(caseNamed(suite, 'vectors nist/bad.rsp'), 'skipped')?.attributes.message, 'unusable vector file: line 3: no "=" in <record>');
    assert.equal(root.attributes.failures, '3');
  });

  it('a run with a drivers-spec adds a well-formed drivers-spec suite: one case per requirement, unmet ones failing with the evidence', () => {
    const meta = {
      ...fixtureMeta(),
      spec: {
        file: '/specs/vendor.json',
        content: {
          name: 'vendor',
          requirements: [
            { id: 'cbc', kind: 'served-by', algorithm: 'cbc(aes)', driver: '*-aesni', why: 'speed <and> "power" & more' },
            { id: 'virtio', kind: 'passes-vectors', driver: 'virtio_crypto_*' },
          ],
        },
      },
    } as RunMeta;
    const root = parseXml(renderJunit(runReportOf(meta, summarize(meta, fixtureLines()))));
    const suite = suiteNamed(root, 'drivers-spec');
    assert.ok(suite);
    assert.deepEqual([suite.attributes.tests, suite.attributes.failures], ['2', '1']);
    const met = caseNamed(suite, 'cbc');
    assert.equal(met?.attributes.classname, 'drivers-spec.vendor');
    assert.equal(child(met, 'failure'), undefined);
    assert.equal(child(met, 'system-out')?.text, 'requirement: the generic name cbc(aes) is served by a driver matching *-aesni\nevidence: served by cbc-aes-aesni (priority 400)\nwhy: speed <and> "power" & more');
    const failure = child(caseNamed(suite, 'virtio'), 'failure');
    assert.equal(failure?.attributes.type, 'requirement-unmet');
    assert.equal(failure?.attributes.message, '1 of 1 driver did not pass: virtio_crypto_aes_cbc (cbc(aes)): 1 failed of 360');
    assert.equal(root.children.at(-1)?.attributes.name, 'run', 'the run suite stays last');
  });

  it('the checker itself rejects what is not well-formed', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    assert.throws(() => parseXml(`${head}<a><b></a></b>`));
    assert.throws(() => parseXml(`${head}<a x="1 & 2"/>`));
    assert.throws(() => parseXml(`${head}<a>\u0001</a>`));
    assert.throws(() => parseXml(`${head}<a>&#1;</a>`));
    assert.throws(() => parseXml(`${head}<a x="<"/>`));
    assert.doesNotThrow(() => parseXml(`${head}<a x="&lt;&#10;"><b/>t &amp; u</a>\n`));
  });
});
