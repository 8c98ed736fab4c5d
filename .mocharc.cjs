// Tests are compiled by tsc (npm run build) and run from dist/. `npm test` runs unit tests first: they need no kernel.
module.exports = {
  // the folders to run are named by the npm scripts (test, test:unit, test:integration)
  recursive: true,
  extension: ['js'],
  reporter: './test/support/summary-reporter.cjs',
  timeout: 10000,
};
