// Unit tests of the two-group explorer's JavaScript (node --test tests/js/).
//
// static/groups.js is evaluated after core.js and page.js, as it is inlined
// into the page (node:vm, strict mode), and checked against
// tests/js/groups-cases.json, which tests/js/explorer_cases.py writes from
// facelab/views/explorers/groups.py (and tests/test_groups_explorer.py keeps
// current).  mountGroups is run against fake elements.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";
import vm from "node:vm";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STATIC = path.join(HERE, "..", "..", "facelab", "views", "explorers", "static");
const CASES = JSON.parse(fs.readFileSync(path.join(HERE, "groups-cases.json"), "utf8"));

function source(name) {
  return fs.readFileSync(path.join(STATIC, name), "utf8");
}

function load(names, globals) {
  const context = vm.createContext(Object.assign({}, globals || {}));
  vm.runInContext('"use strict";\n' + names.map(source).join("\n"), context,
                  {filename: names.join("+")});
  return context;
}

const js = load(["core.js", "groups.js"]);

function decodeSets(sets) {
  return {A: {gen: js.decode(sets.A.gen), imp: js.decode(sets.A.imp)},
          B: {gen: js.decode(sets.B.gen), imp: js.decode(sets.B.imp)}};
}

test("groups.js declares exactly its names, nothing runs on load, and it is safe to inline", () => {
  const alone = load(["groups.js"]);
  assert.deepEqual(Object.keys(alone).sort(),
    ["GROUPS_KEYS", "MODE_TEXT", "equalFmrB", "groupsReadout", "histPath", "mountGroups",
     "timesText"]);
  const text = source("groups.js");
  assert.ok(!text.includes("</") && !text.includes("<!--") && !text.includes("`"));
  assert.ok(!/\/\*/.test(text), "block comments");
  assert.ok(!/\bhttps?:/.test(text), "no URLs");
  assert.ok(!/\b(let|const|class)\s/.test(text), "var and function only");
  assert.ok(!/\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import)\b/.test(text));
});

test("timesText formats a ratio as Python's _times does", () => {
  for (const [x, text] of CASES.times) assert.equal(js.timesText(x), text, String(x));
});

test("groupsReadout says what groups_numbers says, on every grid, ratio edge cases included", () => {
  const ratios = new Set();
  for (const v of CASES.variants) {
    const s = decodeSets(v.sets);
    for (const [ta, tb, want] of v.readouts) {
      const got = {...js.groupsReadout(s.A, s.B, ta, tb)};
      assert.deepEqual(got, want, `${v.grid} ${v.share} ${v.arm} at ${ta}, ${tb}`);
      ratios.add(want.fmr_ratio_value === null ? want.fmr_ratio : "number");
    }
  }
  assert.deepEqual([...ratios].sort(), ["no false match in A", "none in either group", "number"]);
});

test("equalFmrB picks the threshold groups._equal_fmr_b picks", () => {
  for (const v of CASES.variants) {
    const s = decodeSets(v.sets);
    const [lo, hi, step] = v.grid;
    for (const [ta, want] of v.equal_fmr_b) {
      assert.equal(js.equalFmrB(s.A, s.B, ta, lo, hi, step), want, `${v.grid} at ${ta}`);
    }
  }
});

// ---------------------------------------------------------------------------
// mountGroups with fake elements
// ---------------------------------------------------------------------------

class FakeElement {
  constructor(props) {
    Object.assign(this, {value: "", textContent: "", disabled: true, hidden: false,
                         checked: false}, props);
    this.attributes = {};
    this.listeners = {};
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, props) {
    const event = Object.assign({type, stopPropagation() {}}, props || {});
    (this.listeners[type] || []).forEach((fn) => fn(event));
  }
}

// The default grid's four variants: two mixes x two arms, as the page holds them.
function fakeExplorer() {
  const vs = CASES.variants.filter((v) => v.grid[2] === 5);
  const shares = [...new Set(vs.map((v) => v.share))];
  const arms = [...new Set(vs.map((v) => v.arm))];
  const sets = shares.map((s) => arms.map((a) => vs.find((v) => v.share === s && v.arm === a).sets));
  const C = {id: "grp", lo: 0, hi: 10000, step: 5, t: 8000, ta: 8000, tb: 8000, per: false,
             mi: 0, ai: 0, mixes: ["10% B, 90% A", "50% B, 50% A"],
             arms: ["as built", "re-centred on the people it meets"], sets};
  const el = {
    ".fv-mix": new FakeElement({value: "0"}),
    ".fv-arm-0": new FakeElement({checked: true}), ".fv-arm-1": new FakeElement(),
    ".fv-mode-0": new FakeElement({checked: true}), ".fv-mode-1": new FakeElement(),
    ".fv-one": new FakeElement(), ".fv-per": new FakeElement({hidden: true}),
    ".fv-eq": new FakeElement(),
    ".fv-t": new FakeElement({value: "80.00"}), ".fv-tn": new FakeElement({value: "80.00"}),
    ".fv-ta": new FakeElement({value: "80.00"}), ".fv-tan": new FakeElement({value: "80.00"}),
    ".fv-tb": new FakeElement({value: "80.00"}), ".fv-tbn": new FakeElement({value: "80.00"}),
  };
  const keyed = js.GROUPS_KEYS.map((key) => {
    const e = new FakeElement();
    e.setAttribute("data-key", key);
    return e;
  });
  const inputs = [".fv-arm-0", ".fv-arm-1", ".fv-mode-0", ".fv-mode-1", ".fv-t", ".fv-tn",
                  ".fv-ta", ".fv-tan", ".fv-tb", ".fv-tbn"].map((s) => el[s]);
  const root = new FakeElement();
  root.querySelector = (s) => el[s] || null;
  root.querySelectorAll = (s) => ({"[data-key]": keyed, "input": inputs}[s] || []);
  root.closest = () => root;
  const window = {};
  const ctx = load(["core.js", "page.js", "groups.js"], {
    performance: {now: () => 0}, window,
    document: {currentScript: null, activeElement: null, getElementById: () => root},
  });
  ctx.start(C, ctx.mountGroups);
  const shown = () => Object.fromEntries(keyed.map((e) => [e.getAttribute("data-key"), e.textContent]));
  const decoded = sets.map((row) => row.map(decodeSets));
  return {C, el, root, shown, api: window.FaceValueExplorers.grp, decoded};
}

function want(f, mi, ai, ta, tb) {
  const s = f.decoded[mi][ai];
  const all = {...js.groupsReadout(s.A, s.B, ta, tb), mix: f.C.mixes[mi], arm: f.C.arms[ai]};
  return Object.fromEntries(js.GROUPS_KEYS.map((key) => [key, all[key]]));
}

function check(f, radio) {
  f.el[radio].checked = true;
  f.el[radio].dispatch("change");
}

test("mountGroups enables every control and shows the starting numbers", () => {
  const f = fakeExplorer();
  for (const [s, e] of Object.entries(f.el)) {
    if (s === ".fv-one" || s === ".fv-per") continue;
    assert.equal(e.disabled, false, s);
    assert.equal(e.getAttribute("data-lm-suppress-shortcuts"), "true", s);
  }
  assert.deepEqual(f.shown(), want(f, 0, 0, 8000, 8000));
  assert.equal(f.root.getAttribute("data-fv-ready"), "1");
  assert.equal(f.el[".fv-per"].hidden, true);
});

test("the reader's thresholds survive every change of mix, arm and mode", () => {
  const f = fakeExplorer();
  f.el[".fv-t"].value = "85.55";        // off the 0.05 grid: snapped, ties to even
  f.el[".fv-t"].dispatch("input");
  assert.equal(f.shown().threshold_a, "85.55");
  f.el[".fv-tn"].value = "87.02";
  f.el[".fv-tn"].dispatch("keydown", {key: "Enter"});
  assert.equal(f.el[".fv-tn"].value, "87.00");
  f.el[".fv-mix"].value = "1";
  f.el[".fv-mix"].dispatch("change");
  check(f, ".fv-arm-1");
  assert.deepEqual(f.shown(), want(f, 1, 1, 8700, 8700));
  check(f, ".fv-mode-1");                // per group: A and B keep their own sliders
  assert.equal(f.el[".fv-one"].hidden, true);
  assert.equal(f.el[".fv-per"].hidden, false);
  assert.equal(f.root.getAttribute("data-mode"), "per");
  assert.deepEqual(f.shown(), want(f, 1, 1, 8000, 8000));
  f.el[".fv-tb"].value = "90.05";
  f.el[".fv-tb"].dispatch("input");
  f.el[".fv-tan"].value = "75";
  f.el[".fv-tan"].dispatch("change");
  assert.deepEqual(f.shown(), want(f, 1, 1, 7500, 9005));
  f.el[".fv-mix"].value = "0";
  f.el[".fv-mix"].dispatch("change");
  check(f, ".fv-arm-0");
  assert.deepEqual(f.shown(), want(f, 0, 0, 7500, 9005));
  check(f, ".fv-mode-0");                // back to one threshold: it is still 87.00
  assert.deepEqual(f.shown(), want(f, 0, 0, 8700, 8700));
  f.el[".fv-tn"].value = "abc";          // not a number: the slider's value comes back
  f.el[".fv-tn"].dispatch("change");
  assert.equal(f.el[".fv-tn"].value, "87.00");
});

test("the equal-FMR button keeps A's threshold and moves B's", () => {
  const f = fakeExplorer();
  assert.ok(f.api.set({per: true, ta: "70", mi: 1, ai: 0}));
  f.el[".fv-eq"].dispatch("click");
  const s = f.decoded[1][0];
  const tb = js.equalFmrB(s.A, s.B, 7000, 0, 10000, 5);
  assert.ok(tb > 7000, "B's impostor scores run higher: its threshold goes up");
  assert.equal(f.el[".fv-tb"].value, js.fixed(tb, 2));
  assert.deepEqual(f.shown(), want(f, 1, 0, 7000, tb));
  assert.equal(f.api.set({t: "NaN"}), false);
  assert.deepEqual({...f.api.update()}, {...js.groupsReadout(s.A, s.B, 7000, tb), mix: f.C.mixes[1],
                                    arm: f.C.arms[0], mode: "one threshold per group"});
});
