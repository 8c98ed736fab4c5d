// mocha's spec reporter, plus what CI reads at the end: the slowest test files with their wall
// time (hooks included: an integration file's guest boots in its before()), and a closing line
// "N passed, N failed, N skipped".
const Mocha = require('mocha');
const path = require('node:path');

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;
const SLOWEST = 12;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const seconds = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.file && suite.parent && suite.parent.root) started.set(suite, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const at = started.get(suite);
      if (at === undefined) return;
      const file = path.relative(process.cwd(), suite.file);
      seconds.set(file, (seconds.get(file) ?? 0) + (Date.now() - at) / 1000);
    });
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const byArea = new Map();
      for (const [file, s] of seconds) {
        const area = file.includes(`${path.sep}integration${path.sep}`) ? 'integration' : 'unit';
        byArea.set(area, (byArea.get(area) ?? 0) + s);
      }
      const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST);
      process.stdout.write(`\nslowest test files (wall s): ${[...byArea].map(([area, s]) => `${area} ${s.toFixed(0)}`).join(', ')}\n`);
      for (const [file, s] of slowest) process.stdout.write(`  ${s.toFixed(1).padStart(7)}  ${file}\n`);
      process.stdout.write(`\n${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
