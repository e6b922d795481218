// Unit tests of static/widget-keys.js, the guard that keeps a kernel widget's keys from
// JupyterLab's notebook shortcuts (node --test tests/js/).
//
// The file is evaluated as facelab.views.widgets inlines it (node:vm, strict mode) and run
// against a fake document and fake elements. tests/test_jupyterlab.py checks the same thing
// in a real JupyterLab.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";
import vm from "node:vm";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FILE = path.join(HERE, "..", "..", "facelab", "views", "explorers", "static",
                       "widget-keys.js");

function load() {
  const context = vm.createContext({});
  vm.runInContext('"use strict";\n' + fs.readFileSync(FILE, "utf8"), context, {filename: FILE});
  return context;
}

class FakeElement {
  constructor(insideWidget) {
    this.attributes = {};
    this.insideWidget = insideWidget;
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  hasAttribute(name) { return name in this.attributes; }
  removeAttribute(name) { delete this.attributes[name]; }
  closest(selector) {
    assert.equal(selector, ".jupyter-widgets");
    return this.insideWidget ? {} : null;
  }
}

function fakeDocument() {
  const listeners = [];
  return {
    documentElement: new FakeElement(false),
    listeners,
    addEventListener(type, fn, capture) { listeners.push({type, fn, capture}); },
    press(target, key, mods) {
      const event = Object.assign({type: "keydown", key, target}, mods || {});
      listeners.filter((l) => l.type === "keydown").forEach((l) => l.fn(event));
      return target.getAttribute("data-lm-suppress-shortcuts");
    },
  };
}

test("the file only declares its functions; nothing runs on load", () => {
  assert.deepEqual(Object.keys(load()).sort(),
                   ["guardWidgetKeys", "markWidgetKey", "notebookKeepsKey", "widgetKeyTarget"]);
});

test("one capturing listener per page, however many controls install it", () => {
  const keys = load();
  const doc = fakeDocument();
  assert.equal(keys.guardWidgetKeys(doc), true);
  assert.equal(keys.guardWidgetKeys(doc), false);
  assert.equal(doc.listeners.length, 1);
  assert.equal(doc.listeners[0].type, "keydown");
  assert.equal(doc.listeners[0].capture, true);     // before JupyterLab's bubbling listener
  assert.equal(doc.documentElement.getAttribute("data-fv-widget-keys"), "1");
});

test("keys pressed in a widget are marked for JupyterLab's command registry", () => {
  const keys = load();
  const doc = fakeDocument();
  keys.guardWidgetKeys(doc);
  const select = new FakeElement(true);
  for (const key of ["r", "m", "y", "1", "a", "b", "d", "ArrowDown", "ArrowUp", "ArrowLeft",
                     "ArrowRight", "Enter", " ", "Home", "End", "PageUp", "PageDown"]) {
    assert.equal(doc.press(select, key), "true", key);
  }
  assert.equal(doc.press(select, "ArrowDown", {shiftKey: true}), "true");
});

test("Tab, Escape and Ctrl, Alt or Meta combinations stay the notebook's", () => {
  const keys = load();
  const doc = fakeDocument();
  keys.guardWidgetKeys(doc);
  const slider = new FakeElement(true);
  assert.equal(doc.press(slider, "r"), "true");
  assert.equal(doc.press(slider, "Tab"), null);     // the mark from "r" is taken off again
  for (const [key, mods] of [["Escape", {}], ["s", {ctrlKey: true}], ["s", {metaKey: true}],
                             ["Enter", {altKey: true}], ["Enter", {ctrlKey: true}]]) {
    doc.press(slider, "r");
    assert.equal(doc.press(slider, key, mods), null, key);
  }
});

test("keys outside widgets are left alone", () => {
  const keys = load();
  const doc = fakeDocument();
  keys.guardWidgetKeys(doc);
  const cell = new FakeElement(false);
  assert.equal(doc.press(cell, "r"), null);
  assert.doesNotThrow(() => keys.markWidgetKey({key: "r", target: null}));
  assert.doesNotThrow(() => keys.markWidgetKey({key: "r", target: {}}));   // e.g. the window
});
