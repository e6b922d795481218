// Unit tests of the explorers' JavaScript (node --test tests/js/).
//
// static/core.js is evaluated as it is inlined into the page (node:vm, strict
// mode) and checked against tests/js/explorer-cases.json, the cases that
// tests/test_explorers.py checks against the Python twins.  page.js is run
// against a few fake elements: the keys it keeps from a notebook and the way
// the number box commits.  No dependencies beyond Node's standard library.
// (An ES module, .mjs, whatever package.json says the default is.)

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";
import vm from "node:vm";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STATIC = path.join(HERE, "..", "..", "facelab", "views", "explorers", "static");
const CASES = JSON.parse(fs.readFileSync(path.join(HERE, "explorer-cases.json"), "utf8"));

function source(name) {
  return fs.readFileSync(path.join(STATIC, name), "utf8");
}

// Evaluate static files in one fresh context, in strict mode, as the page's
// IIFE does; return the context (its globals are the files' declarations).
function load(names, globals) {
  const context = vm.createContext(Object.assign({}, globals || {}));
  const code = '"use strict";\n' + names.map(source).join("\n");
  vm.runInContext(code, context, {filename: names.join("+")});
  return context;
}

const core = load(["core.js"]);

function fromCase(x) {
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  return x;
}

// ---------------------------------------------------------------------------
// The files themselves
// ---------------------------------------------------------------------------

const DECLARED = {
  "core.js": ["DECIMAL_TEXT", "PARSE_LIMIT_DIGITS", "POW10", "countBelow", "decode", "fixed",
              "group", "idiv", "lowerBound", "oneIn", "pAny", "parseThreshold", "pctFloat",
              "pctRatio", "roundHalfEven", "snap", "thresholdReadout", "watchlistReadout"],
  "page.js": ["explorerPage", "findRoot", "keepKeys", "start"],
  "threshold.js": ["THRESHOLD_KEYS", "mountThreshold"],
  "watchlist.js": ["NICE_PERCENT", "WATCHLIST_KEYS", "mountWatchlist", "tickText"],
};

test("each static file declares exactly its documented names, and nothing runs on load", () => {
  for (const [name, names] of Object.entries(DECLARED)) {
    // No document or window here: a file that touched the DOM on load would throw.
    const context = load([name]);
    assert.deepEqual(Object.keys(context).sort(), [...names].sort(), name);
  }
});

test("the files are safe to inline in <script> and to compact line by line", () => {
  for (const name of Object.keys(DECLARED)) {
    const text = source(name);
    assert.ok(!text.includes("</"), `${name}: "</" would end the script element`);
    assert.ok(!text.includes("<!--"), `${name}: "<!--" changes how HTML parses a script`);
    assert.ok(!text.includes("`"), `${name}: template literals may span lines`);
    assert.ok(!/\/\*/.test(text), `${name}: block comments (use // comments)`);
    assert.ok(!/\bhttps?:/.test(text), `${name}: no URLs`);
    assert.ok(!/\b(let|const|class)\s/.test(text), `${name}: var and function only (ES5 scope, one IIFE)`);
  }
});

// ---------------------------------------------------------------------------
// core.js against the shared cases
// ---------------------------------------------------------------------------

test("idiv is exact floor division, also where a / b rounds up", () => {
  for (const [a, b, q] of CASES.idiv) assert.equal(core.idiv(a, b), q, `${a} / ${b}`);
});

test("group puts a comma every three digits", () => {
  for (const [n, text] of CASES.group) assert.equal(core.group(n), text);
});

test("fixed writes hundredths (and other scales) as decimals", () => {
  for (const [r, d, text] of CASES.fixed) assert.equal(core.fixed(r, d), text, `${r}, ${d}`);
});

test("pctRatio rounds half up with at least three significant digits", () => {
  for (const [k, n, text] of CASES.pct_ratio) assert.equal(core.pctRatio(k, n), text, `${k}/${n}`);
});

test("oneIn rounds n / k half up", () => {
  for (const [k, n, text] of CASES.one_in) assert.equal(core.oneIn(k, n), text, `${k}/${n}`);
});

test("pctFloat gives Python's strings for the same floats", () => {
  for (const [p, text] of CASES.pct_float) assert.equal(core.pctFloat(p), text, String(p));
});

test("pAny is 1 - (1 - FMR)^N without cancellation, near 0 and near 1", () => {
  for (const [fmr, n, p, text] of CASES.p_any) {
    const got = core.pAny(fmr, n);
    // expm1 and log1p may differ from Python's libm in the last bit.
    assert.ok(Math.abs(got - p) <= 4 * Number.EPSILON * Math.abs(p), `${fmr}, ${n}: ${got} vs ${p}`);
    assert.equal(core.pctFloat(got), text, `${fmr}, ${n}`);
  }
});

test("lowerBound finds the first element at or above x", () => {
  const {arrays, cases} = CASES.lower_bound;
  for (const [i, x, want] of cases) {
    assert.equal(core.lowerBound(Int32Array.from(arrays[i]), x), want, `${arrays[i]} ${x}`);
  }
});

test("decode and countBelow count the embedded scores below a threshold", () => {
  for (const c of CASES.count_below) {
    const d = core.decode(c.enc);
    assert.equal(d.n, c.n, c.name);
    for (const [tq, below] of c.below) assert.equal(core.countBelow(d, tq), below, `${c.name} ${tq}`);
  }
});

test("roundHalfEven sends ties to the even integer", () => {
  for (const [a, b, q] of CASES.round_half_even) assert.equal(core.roundHalfEven(a, b), q, `${a}/${b}`);
});

test("snap clamps to the slider's range and rounds to its grid, ties to even", () => {
  for (const [tq, lo, hi, step, want] of CASES.snap) {
    assert.equal(core.snap(fromCase(tq), lo, hi, step), want, `${tq} on ${lo}..${hi} step ${step}`);
  }
});

test("parseThreshold reads the typed decimal digits, ties to even", () => {
  for (const c of CASES.parse) {
    const got = core.parseThreshold(c.text);
    assert.equal(got, fromCase(c.hundredths), JSON.stringify(c.text));
    c.committed.forEach((want, i) => {
      const [lo, hi, step] = CASES.grids[i];
      assert.equal(got === null ? null : core.snap(got, lo, hi, step), want,
        `${JSON.stringify(c.text)} on ${CASES.grids[i]}`);
    });
  }
});

test("the rounding rule on the brief's values", () => {
  const p = core.parseThreshold;
  assert.equal(p("87.005"), 8700);
  assert.equal(p("87.015"), 8702);
  assert.equal(p("0.005"), 0);
  assert.equal(p("99.995"), 10000);
  assert.equal(p("1e2"), 10000);
  assert.equal(p(" 80 "), 8000);
  assert.equal(p(""), null);
  assert.equal(p("abc"), null);
  assert.equal(p("NaN"), null);
  assert.equal(p("-1"), -100);
  assert.equal(p("101"), 10100);
  assert.equal(core.snap(p("-1"), 0, 10000, 1), 0);
  assert.equal(core.snap(p("101"), 0, 10000, 1), 10000);
});

test("a number passed from Python rounds as its text does (String(x) is Python's repr)", () => {
  for (const [x, want] of CASES.float_thresholds) {
    assert.equal(core.parseThreshold(String(x)), want, String(x));
  }
});

test("thresholdReadout says what explorer_numbers says", () => {
  for (const c of CASES.threshold_readouts) {
    const gen = core.decode(c.gen);
    const imp = core.decode(c.imp);
    for (const [tq, want] of c.readouts) {
      assert.deepEqual({...core.thresholdReadout(gen, imp, tq)}, want, `${c.name} at ${tq}`);
    }
  }
});

test("watchlistReadout says what watchlist_numbers says", () => {
  const w = CASES.watchlist_readouts;
  const sims = Object.fromEntries(Object.entries(w.sims).map(([n, e]) => [n, core.decode(e)]));
  const imp = core.decode(w.imp);
  const gen = core.decode(w.gen);
  for (const v of w.variants) {
    for (const [n, tq, want] of v.readouts) {
      const got = {...core.watchlistReadout(sims[n], v.imp ? imp : null, v.gen ? gen : null,
                                            n, v.n_probes, tq)};
      for (const key of ["p_any_value", "expected_value"]) {
        if (key in want) {
          assert.ok(Math.abs(got[key] - want[key]) <= 4 * Number.EPSILON * Math.abs(want[key]),
            `${key} ${got[key]} vs ${want[key]}`);
          got[key] = want[key];
        }
      }
      assert.deepEqual(got, want, `N=${n} at ${tq} (${JSON.stringify(v)})`.slice(0, 200));
    }
  }
});

// ---------------------------------------------------------------------------
// page.js with fake elements
// ---------------------------------------------------------------------------

class FakeElement {
  constructor(props) {
    Object.assign(this, {value: "", textContent: "", disabled: true, hidden: false}, props);
    this.attributes = {};
    this.listeners = {};
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, props) {
    const event = Object.assign({type, stopped: false, stopPropagation() { this.stopped = true; }},
                                props || {});
    (this.listeners[type] || []).forEach((fn) => fn(event));
    return event;
  }
}

function fakePage() {
  const slider = new FakeElement({value: "80"});
  const box = new FakeElement({value: "80.00"});
  const readout = new FakeElement({textContent: "80.00"});
  readout.setAttribute("data-key", "threshold");
  const root = {
    querySelector: (s) => ({".fv-t": slider, ".fv-tn": box}[s] || null),
    querySelectorAll: (s) => (s === "[data-key]" ? [readout] : s === "input" ? [slider, box] : []),
  };
  const page = load(["core.js", "page.js"], {performance: {now: () => 0}, window: {}});
  const C = {id: "x", lo: 5000, hi: 10000, step: 1, plot: {L: 0, W: 100, edge: 10}};
  return {page, C, root, slider, box, readout};
}

test("keepKeys marks an input for JupyterLab and keeps its keys from the notebook", () => {
  const {page, slider} = fakePage();
  page.keepKeys(slider);
  assert.equal(slider.getAttribute("data-lm-suppress-shortcuts"), "true");
  for (const key of ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
                     "PageUp", "PageDown", "Enter", "a", "d", "1", "-", "."]) {
    assert.ok(slider.dispatch("keydown", {key}).stopped, key);
  }
  for (const key of ["Tab", "Escape"]) assert.ok(!slider.dispatch("keydown", {key}).stopped, key);
});

test("the number box commits on change and on Enter; text that is not a number puts the slider back", () => {
  const {page, C, root, slider, box} = fakePage();
  const seen = [];
  const helpers = page.explorerPage(C, root);
  helpers.bindThreshold(slider, box, (tq) => seen.push(tq));
  slider.value = "80";
  slider.dispatch("input");
  box.value = "87.005";
  box.dispatch("keydown", {key: "Enter"});
  assert.deepEqual([slider.value, box.value], ["87.00", "87.00"]);
  box.value = "87.015";
  box.dispatch("change");
  assert.deepEqual([slider.value, box.value], ["87.02", "87.02"]);
  box.value = "-1";            // below the range 50..100: clamped
  box.dispatch("keydown", {key: "Enter"});
  assert.equal(slider.value, "50.00");
  box.value = "";              // what a browser's number box holds for "abc"
  box.dispatch("change");
  assert.equal(box.value, "50.00");
  box.value = "99";
  box.dispatch("keydown", {key: "a"});   // other keys do not commit
  assert.deepEqual(seen, [8000, 8700, 8702, 5000]);
});

test("read() reports the typed box and every keyed readout", () => {
  const {page, C, root, box} = fakePage();
  box.value = "81.00";
  assert.deepEqual({...page.explorerPage(C, root).read()}, {threshold: "80.00"});
});
