// Mocha's spec reporter, plus the closing line CI reads: "N passed, N failed".
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures } = runner.stats;
      // printed after Spec's epilogue, which also listens for EVENT_RUN_END
      setImmediate(() => process.stdout.write(`${passes} passed, ${failures} failed\n`));
    });
  }
}
module.exports = SummaryReporter;
