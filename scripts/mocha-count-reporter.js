// Mocha reporter for scripts/test-all.sh: prints what the "spec" reporter prints, and also writes
// {passes, failures, pending} as JSON to the file named by the VIGIL_COUNT_FILE environment
// variable, so the closing "N passed, N failed" line is computed from mocha's own results.
import fs from "node:fs";
import Mocha from "mocha";

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

export default class CountReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.VIGIL_COUNT_FILE;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }) + "\n");
    });
  }
}
