// history.js under Node's test runner: the page's copy of a session's records follows the frame
// format's thinning rule (pyinit/content/frames.json). Run by tests/web/test_history_js.py, which
// sets SITE_JS (a copy of site/js that Node loads as ES modules) and FRAMES (frames recorded from
// real pyinit.web.lab sessions, with what the session held after each one).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { createHistory } = await import(pathToFileURL(`${process.env.SITE_JS}/app/history.js`).href);

/** A frame as the worker delivers it: 1-D float arrays as Float64Array. */
function delivered(frame) {
  const records = Object.fromEntries(
    Object.entries(frame.records).map(([k, v]) => [k, Float64Array.from(v)]),
  );
  return { ...frame, records, kept: frame.kept && Float64Array.from(frame.kept) };
}
const stepsOf = (h) => Array.from({ length: h.length }, (_, i) => h.record(i).step);

const { scenarios } = JSON.parse(readFileSync(process.env.FRAMES, "utf8"));
for (const s of scenarios) {
  test(`a live session's frames: ${s.name}`, () => {
    const h = createHistory(s.meta);
    s.frames.forEach((frame, i) => {
      h.append(delivered(frame));
      const want = s.held[i];
      const steps = stepsOf(h);
      assert.equal(h.lastStep, frame.step, `frame ${i}: the last record is the trained step`);
      assert.equal(steps.length, want.count, `frame ${i}: as many records as the session`);
      assert.equal(
        steps.reduce((a, b) => a + b, 0),
        want.sum,
        `frame ${i}: the same steps as the session`,
      );
      if (want.steps) assert.deepEqual(steps, want.steps, `frame ${i}`);
    });
    const theta = stepsOf(h).flatMap((_, i) => Array.from(h.record(i).theta));
    assert.deepEqual(theta, s.theta, "every record's parameters, bit for bit");
  });
}

// the rule itself, on small frames written by hand (K = 1, P = 1, no hidden layer)
const META = {
  K: 1,
  P: 1,
  sizes: [2, 1],
  records: [
    { name: "steps", size: 1 },
    { name: "theta", size: 1 },
  ],
};
const frame = (steps, extra = {}) =>
  delivered({
    records: { steps, theta: steps.map((s) => s / 10) },
    kept: null,
    provisional: false,
    ...extra,
  });

test("a provisional record gives way only to a later record", () => {
  const h = createHistory(META);
  h.append(frame([0, 1, 2, 3], { provisional: true }));
  h.append(frame([3], { provisional: true })); // nothing new: the current step again
  assert.deepEqual(stepsOf(h), [0, 1, 2, 3]);
  h.append(frame([], { provisional: true })); // no records at all: the current step stays
  assert.deepEqual(stepsOf(h), [0, 1, 2, 3]);
  h.append(frame([4, 5], { provisional: true }));
  assert.deepEqual(stepsOf(h), [0, 1, 2, 4, 5]);
  h.append(frame([6]));
  assert.deepEqual(stepsOf(h), [0, 1, 2, 4, 6]);
  h.append(frame([7])); // 6 was kept: it stays
  assert.deepEqual(stepsOf(h), [0, 1, 2, 4, 6, 7]);
});

test("kept drops every step the session no longer holds, then the new ones are added", () => {
  const h = createHistory(META);
  h.append(frame([0, 1, 2, 3, 4, 5], { provisional: true }));
  h.append(frame([6, 7], { kept: [0, 2, 4, 6], provisional: true }));
  assert.deepEqual(stepsOf(h), [0, 2, 4, 6, 7]);
  assert.deepEqual(
    stepsOf(h).map((_, i) => h.record(i).theta[0]),
    [0, 0.2, 0.4, 0.6, 0.7],
  );
});

test("records already held are not added twice; diverged and limit follow the last frame", () => {
  const h = createHistory(META);
  h.append(frame([0, 1, 2]));
  h.append(frame([1, 2, 3], { diverged: [{ step: 3, reason: "loss became inf" }], limit: "max_steps" }));
  assert.deepEqual(stepsOf(h), [0, 1, 2, 3]);
  assert.deepEqual(h.diverged(0), { step: 3, reason: "loss became inf" });
  assert.equal(h.limit, "max_steps");
  assert.equal(h.indexOfStep(2.5), 2);
});
