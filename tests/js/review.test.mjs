// Unit tests of the review explorer's JavaScript (node --test tests/js/).
//
// static/review.js is evaluated after core.js and page.js, as it is inlined
// into the page (node:vm, strict mode), and its port of
// facelab/evaluation/leads.py is checked against tests/js/review-cases.json,
// which tests/js/explorer_cases.py writes from the Python functions (and
// tests/test_review_explorer.py keeps current).  mountReview is run against
// fake elements.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";
import vm from "node:vm";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STATIC = path.join(HERE, "..", "..", "facelab", "views", "explorers", "static");
const CASES = JSON.parse(fs.readFileSync(path.join(HERE, "review-cases.json"), "utf8"));

function source(name) {
  return fs.readFileSync(path.join(STATIC, name), "utf8");
}

function load(names, globals) {
  const context = vm.createContext(Object.assign({}, globals || {}));
  vm.runInContext('"use strict";\n' + names.map(source).join("\n"), context,
                  {filename: names.join("+")});
  return context;
}

const js = load(["core.js", "review.js"]);

// Math's log, log1p, exp and expm1 may differ from C's in the last bit; a
// recursion of up to a few hundred steps can carry that a little further.
const REL = 1e-12;

function close(got, want, what) {
  const ok = got === want || Math.abs(got - want) <= REL * Math.abs(want);
  assert.ok(ok, `${what}: ${got} vs ${want}`);
}

test("review.js declares exactly its names, nothing runs on load, and it is safe to inline", () => {
  const alone = load(["review.js"]);
  assert.deepEqual(Object.keys(alone).sort(),
    ["MAX_TAIL_TERMS", "REVIEW_KEYS", "amount", "binomialPmfs", "binomialTail",
     "expectedListed", "logPmfStep", "mountReview", "outcomeTexts", "parseCount",
     "reviewOutcome", "reviewReadout", "sumLeft"]);
  const text = source("review.js");
  assert.ok(!text.includes("</") && !text.includes("<!--") && !text.includes("`"));
  assert.ok(!/\/\*/.test(text), "block comments");
  assert.ok(!/\bhttps?:/.test(text), "no URLs");
  assert.ok(!/\b(let|const|class)\s/.test(text), "var and function only");
  assert.ok(!/\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import)\b/.test(text));
});

test("binomialPmfs gives leads.binomial_pmfs", () => {
  for (const [n, p, upto, want] of CASES.binomial_pmfs) {
    const got = js.binomialPmfs(n, p, upto);
    assert.equal(got.length, want.length);
    got.forEach((x, i) => close(x, want[i], `pmf(${n}, ${p})[${i}]`));
  }
});

test("binomialTail gives leads.binomial_tail, tiny tails included", () => {
  let exact = 0;
  for (const [n, p, j, want] of CASES.binomial_tail) {
    const got = js.binomialTail(n, p, j);
    close(got, want, `P(X >= ${j}), n ${n}, p ${p}`);
    exact += got === want;
  }
  // Most agree to the last bit (the brief: the browser gives Python's numbers).
  assert.ok(exact >= 0.9 * CASES.binomial_tail.length, `${exact} of ${CASES.binomial_tail.length}`);
  assert.ok(CASES.binomial_tail.some(([, , , v]) => v > 0 && v < 1e-30), "the cases hold a tiny tail");
});

test("expectedListed gives leads.expected_listed", () => {
  for (const [p, n, k, want] of CASES.expected_listed) {
    close(js.expectedListed(p, n, k), want, `E[min(${k}, X)], n ${n}, p ${p}`);
  }
});

test("reviewOutcome gives every field of leads.review", () => {
  for (const [fmr, n, k, r, s, want] of CASES.review) {
    const got = js.reviewOutcome(fmr, n, k, r, s);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
    for (const key of Object.keys(want)) close(got[key], want[key], `${key} at ${[fmr, n, k, r, s]}`);
  }
});

test("amount formats an expected count as Python's _amount does", () => {
  for (const [x, text] of CASES.amount) assert.equal(js.amount(x), text, String(x));
});

test("reviewReadout says what review_numbers says, at the 95% bound too", () => {
  const c = CASES.review_readouts;
  const imp = js.decode(c.imp);
  const statuses = new Set();
  for (const [tq, n, k, rPct, s, want] of c.readouts) {
    const got = {...js.reviewReadout(imp, tq, n, k, rPct, s, c.fmr_upper)};
    for (const key of Object.keys(want)) {
      if (key.endsWith("_value")) {
        close(got[key], want[key], `${key} at ${[tq, n, k, rPct, s]}`);
        got[key] = want[key];
      }
    }
    assert.deepEqual(got, want, `${[tq, n, k, rPct, s]}`);
    statuses.add(want.status);
  }
  assert.deepEqual([...statuses].sort(), ["measured", "none", "zero"]);
});

test("parseCount reads a typed number of searches", () => {
  const p = (t) => js.parseCount(t, 1e9);
  assert.equal(p("1000"), 1000);
  assert.equal(p(" 25 "), 25);
  assert.equal(p("1e6"), 1000000);
  assert.equal(p("2.5"), 3);
  assert.equal(p("-4"), 0);
  assert.equal(p("1e12"), 1e9);
  for (const bad of ["", " ", "abc", "NaN", "Infinity", "1,000", "."]) assert.equal(p(bad), null, bad);
});

// ---------------------------------------------------------------------------
// mountReview with fake elements
// ---------------------------------------------------------------------------

class FakeElement {
  constructor(props) {
    Object.assign(this, {value: "", textContent: "", disabled: true, hidden: false, className: ""},
                  props);
    this.attributes = {};
    this.listeners = {};
    this.cells = [];
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  querySelectorAll() { return this.cells; }
  dispatch(type, props) {
    const event = Object.assign({type, stopPropagation() {}}, props || {});
    (this.listeners[type] || []).forEach((fn) => fn(event));
  }
}

function fakeExplorer() {
  const c = CASES.review_readouts;
  const C = {id: "rev", t: 8000, lo: 0, hi: 10000, step: 1, sizes: [39, 25000, 3000000000],
             lengths: [1, 5, 10, 50], gi: 0, ki: 2, r: 10, searches: 1000,
             maxSearches: 1000000000, fmrUpper: c.fmr_upper, imp: c.imp};
  const el = {
    ".fv-t": new FakeElement({value: "80"}), ".fv-tn": new FakeElement({value: "80.00"}),
    ".fv-g": new FakeElement({value: "0"}), ".fv-k": new FakeElement({value: "2"}),
    ".fv-r": new FakeElement({value: "10"}), ".fv-r-value": new FakeElement(),
    ".fv-s": new FakeElement({value: "1000"}),
    ".fv-status-none": new FakeElement({hidden: true}), ".fv-status-zero": new FakeElement({hidden: true}),
  };
  const keyed = js.REVIEW_KEYS.map((key) => {
    const e = new FakeElement();
    e.setAttribute("data-key", key);
    return e;
  });
  const rows = C.sizes.map(() => {
    const row = new FakeElement();
    row.cells = [0, 1, 2, 3].map(() => new FakeElement());
    return row;
  });
  const root = new FakeElement();
  root.querySelector = (s) => el[s] || null;
  root.querySelectorAll = (s) => ({"[data-key]": keyed, "input": [el[".fv-t"], el[".fv-tn"],
    el[".fv-r"], el[".fv-s"]], "select": [el[".fv-g"], el[".fv-k"]], "tr.fv-row": rows}[s] || []);
  root.closest = () => root;
  const window = {};
  const ctx = load(["core.js", "page.js", "review.js"], {
    performance: {now: () => 0}, window,
    document: {currentScript: null, activeElement: null, getElementById: () => root},
  });
  ctx.start(C, ctx.mountReview);
  const shown = () => Object.fromEntries(keyed.map((e) => [e.getAttribute("data-key"), e.textContent]));
  return {C, el, root, rows, shown, api: window.FaceValueExplorers.rev, imp: js.decode(c.imp)};
}

function want(f, tq, gi, ki, r, s) {
  const all = js.reviewReadout(f.imp, tq, f.C.sizes[gi], f.C.lengths[ki], r, s, f.C.fmrUpper);
  return Object.fromEntries(js.REVIEW_KEYS.map((key) => [key, all[key]]));
}

test("mountReview enables every control, the selects too, and shows the starting numbers", () => {
  const f = fakeExplorer();
  for (const e of [".fv-t", ".fv-tn", ".fv-g", ".fv-k", ".fv-r", ".fv-s"]) {
    assert.equal(f.el[e].disabled, false, e);
    assert.equal(f.el[e].getAttribute("data-lm-suppress-shortcuts"), "true", e);
  }
  assert.deepEqual(f.shown(), want(f, 8000, 0, 2, 10, 1000));
  assert.equal(f.root.getAttribute("data-fv-ready"), "1");
  assert.equal(f.rows[0].className, "fv-row fv-sel");
});

test("each control moves the readout, and the notes follow the threshold", () => {
  const f = fakeExplorer();
  f.el[".fv-g"].value = "2";
  f.el[".fv-g"].dispatch("change");
  f.el[".fv-k"].value = "3";
  f.el[".fv-k"].dispatch("change");
  f.el[".fv-r"].value = "25";
  f.el[".fv-r"].dispatch("input");
  f.el[".fv-s"].value = "5e3";
  f.el[".fv-s"].dispatch("keydown", {key: "Enter"});
  assert.deepEqual(f.shown(), want(f, 8000, 2, 3, 25, 5000));
  assert.equal(f.el[".fv-r-value"].textContent, "25%");
  assert.equal(f.rows[2].className, "fv-row fv-sel");
  assert.equal(f.rows[0].cells[2].textContent, js.reviewReadout(f.imp, 8000, 39, 50, 25, 5000,
    f.C.fmrUpper).p_put);
  f.el[".fv-s"].value = "";                 // not a number: the last value comes back
  f.el[".fv-s"].dispatch("change");
  assert.equal(f.el[".fv-s"].value, "5000");
  f.el[".fv-t"].value = "100";              // the highest impostor score is 99.90
  f.el[".fv-t"].dispatch("input");
  assert.equal(f.root.getAttribute("data-status"), "zero");
  assert.equal(f.el[".fv-status-zero"].hidden, false);
  assert.equal(f.shown().fmr_count, "0 of 5,000");
  assert.ok(f.api.set("99.90"));
  assert.equal(f.root.getAttribute("data-status"), "measured");
  assert.equal(f.el[".fv-status-zero"].hidden, true);
  f.el[".fv-tn"].value = "0";
  f.el[".fv-tn"].dispatch("change");
  assert.equal(f.root.getAttribute("data-status"), "none");
  assert.equal(f.el[".fv-status-none"].hidden, false);
  assert.equal(f.el[".fv-status-zero"].hidden, true);
  assert.equal(f.shown().fmr, "100.00%");
  assert.equal(f.api.set("abc"), false);
});

test("a threshold no impostor pair reaches shows the 95% upper bound", () => {
  const c = CASES.review_readouts;
  const imp = js.decode(c.imp);
  const r = js.reviewReadout(imp, 9991, 39, 10, 10, 1000, c.fmr_upper);
  assert.equal(r.status, "zero");
  assert.equal(r.p_put, "0.00%");
  assert.equal(r.upper_fmr, js.pctFloat(1 - Math.pow(0.05, 1 / imp.n)));
  assert.ok(r.upper_p_put_value > 0 && r.upper_p_put !== "0.00%");
});
