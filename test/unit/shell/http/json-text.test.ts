// Proves the JSON writer keeps int64 integers exact (JsonNumber digits) and writes everything
// else as JSON.stringify would.
import { expect } from "chai";
import { JsonNumber, jsonText } from "../../../../src/shell/http/json-text.js";

describe("jsonText", () => {
  it("writes JsonNumber digits as they are and the rest as JSON", () => {
    const value = {
      epoch: new JsonNumber("9223372036854775807"),
      offset: new JsonNumber(-5n),
      list: [1, 'a"b', null, true],
      nested: { x: 0.5 },
    };
    const text = jsonText(value);
    expect(text).to.equal(
      '{"epoch":9223372036854775807,"offset":-5,"list":[1,"a\\"b",null,true],"nested":{"x":0.5}}',
    );
    expect(JSON.parse(text)).to.have.property("offset", -5);
  });
});
