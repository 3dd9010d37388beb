import { strict as assert } from "node:assert";
import { numberOption, listOption, choiceOption, stringOption } from "../lib/cli/verb";
import { UsageError } from "../lib/util/errors";

describe("option parsing helpers", () => {
  it("parses numbers within bounds and names the bad value otherwise", () => {
    assert.equal(numberOption({ trees: "250" }, "trees", 100, { integer: true, min: 1 }), 250);
    assert.equal(numberOption({}, "trees", 100, { integer: true, min: 1 }), 100);
    assert.throws(() => numberOption({ trees: "2.5" }, "trees", 100, { integer: true, min: 1 }), (e: unknown) => e instanceof UsageError && /--trees must be a whole number >= 1, got '2.5'/.test(e.message));
    assert.throws(() => numberOption({ trees: "0" }, "trees", 100, { integer: true, min: 1 }), UsageError);
    assert.throws(() => numberOption({ rate: "abc" }, "rate", 1), /--rate must be a number, got 'abc'/);
    assert.throws(() => numberOption({ rate: "" }, "rate", 1), UsageError);
  });

  it("splits lists on commas and repeats", () => {
    assert.deepEqual(listOption({ apps: ["a,b", "c"] }, "apps"), ["a", "b", "c"]);
    assert.equal(listOption({}, "apps"), undefined);
    assert.throws(() => listOption({ apps: [","] }, "apps"), /--apps needs at least one value/);
  });

  it("accepts only listed choices", () => {
    assert.equal(choiceOption({ model: "gbdt" }, "model", ["rf", "gbdt"] as const, "rf"), "gbdt");
    assert.throws(() => choiceOption({ model: "svm" }, "model", ["rf", "gbdt"] as const, "rf"), /--model must be one of rf, gbdt, got 'svm'/);
    assert.equal(stringOption({}, "out", "x"), "x");
  });
});
