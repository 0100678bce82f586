// Proves the `.conf` front end's plain field rules (field-rules.ts) and the YAML front end's zod
// schemas (schema.ts) accept the same values and refuse the others with the same Redis text, so
// that dropping zod from the `.conf` path (issue #18: it held about 3 MB of a small sentinel's
// heap) changes no answer. Each rule is tried on the edges of its range and on non-integers.
import { expect } from "chai";
import type { z } from "zod";
import {
  LOG_FORMATS,
  LOG_LEVELS,
  LOG_TIMESTAMP_FORMATS,
  SUPERVISED_MODES,
  instancePortRule,
  intText,
  listenPortRule,
  masterNameRule,
  myIdRule,
  nonNegativeTimeRule,
  oneOf,
  parallelSyncsRule,
  positiveTimeRule,
  quorumRule,
  type Rule,
} from "../../../src/config/field-rules.js";
import {
  checkValue,
  instancePortSchema,
  listenPortSchema,
  logFormatSchema,
  logLevelSchema,
  logTimestampFormatSchema,
  masterNameSchema,
  myIdSchema,
  nonNegativeTimeSchema,
  parallelSyncsSchema,
  positiveTimeSchema,
  quorumSchema,
  supervisedSchema,
} from "../../../src/config/schema.js";

const NUMBERS = [
  -70_000,
  -1,
  -0,
  0,
  1,
  2,
  1.5,
  6379,
  65_535,
  65_536,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  NaN,
  Infinity,
];
const NUMBER_PAIRS: [string, Rule<number>, z.ZodType][] = [
  ["instance port", instancePortRule, instancePortSchema],
  ["listen port", listenPortRule, listenPortSchema],
  ["quorum", quorumRule, quorumSchema],
  ["positive time", positiveTimeRule, positiveTimeSchema],
  ["non-negative time", nonNegativeTimeRule, nonNegativeTimeSchema],
  ["parallel-syncs", parallelSyncsRule, parallelSyncsSchema],
];
const STRINGS = ["", "m", "my master", "a,b", "x".repeat(39), "f".repeat(40), "f".repeat(41)];
const STRING_PAIRS: [string, Rule<string>, z.ZodType][] = [
  ["myid", myIdRule, myIdSchema],
  ["master name", masterNameRule, masterNameSchema],
];

describe("config field rules: the .conf rules match the YAML schemas", () => {
  for (const [name, rule, schema] of NUMBER_PAIRS) {
    it(`${name}: same verdict and text`, () => {
      for (const n of NUMBERS) expect(rule(n), `${name} ${n}`).to.equal(checkValue(schema, n));
    });
  }

  for (const [name, rule, schema] of STRING_PAIRS) {
    it(`${name}: same verdict and text`, () => {
      for (const s of STRINGS) expect(rule(s), `${name} "${s}"`).to.equal(checkValue(schema, s));
    });
  }

  it("integer text: decimal digits with a sign, exact, -0 read as 0", () => {
    const read: [string, number][] = [
      ["12", 12],
      ["-0", 0],
      ["+5", 5],
      ["007", 7],
      ["9007199254740991", 9007199254740991],
    ];
    for (const [t, n] of read) expect(intText(t), t).to.equal(n);
    expect(Object.is(intText("-0"), 0)).to.equal(true);
    const refused = ["1e3", " 1", "1 ", "", "-", "0x10", "1.0", "9007199254740993", "1".repeat(20)];
    for (const t of refused) expect(intText(t), t).to.equal(null);
  });

  it("enums: the same values", () => {
    const pairs: [readonly string[], z.ZodType][] = [
      [LOG_LEVELS, logLevelSchema],
      [LOG_FORMATS, logFormatSchema],
      [LOG_TIMESTAMP_FORMATS, logTimestampFormatSchema],
      [SUPERVISED_MODES, supervisedSchema],
    ];
    const tries = ["debug", "warning", "json", "iso8601", "systemd", "no", "NOTICE", "", "x"];
    for (const [values, schema] of pairs) {
      for (const v of tries) {
        expect(oneOf(values, v), v).to.equal(schema.safeParse(v).success ? v : null);
      }
    }
  });
});
