// Face Value explorers: the DOM glue both explorers share (needs core.js).
//
// Declarations only. Python assembles one script per explorer,
//   (function () { "use strict"; var C = {...}; core.js page.js threshold.js
//                  start(C, mountThreshold); })();
// where C is the explorer's configuration (see threshold.py, watchlist.py).

// The explorer's root element: the .fv-explorer around this script, else the
// element with the configured id.
function findRoot(id) {
  var script = document.currentScript;
  var parent = script && script.parentNode;
  var root = parent && parent.closest ? parent.closest(".fv-explorer") : null;
  return root || document.getElementById(id);
}

// Keep the keys an input needs.  JupyterLab and the classic Notebook run
// their own shortcuts from keydown events that bubble up from an output
// (arrow keys select cells, letters and digits change them).  JupyterLab's
// command registry skips any event from inside data-lm-suppress-shortcuts;
// stopping the event here covers the classic Notebook too.  Tab and Escape
// go on, so focus can still leave the control, and so do keys held with Ctrl,
// Alt or Meta (Ctrl+S saves the notebook from an explorer as from a widget).
function keepKeys(input) {
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  input.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      input.removeAttribute("data-lm-suppress-shortcuts");  // until the next plain key
      return;
    }
    input.setAttribute("data-lm-suppress-shortcuts", "true");
    if (event.key !== "Tab" && event.key !== "Escape") {
      event.stopPropagation();
    }
  });
}

// Helpers bound to one explorer's root element and configuration.
function explorerPage(C, root) {
  var keyed = {};
  var timings = [];
  // A readout may appear more than once (the review explorer names the searches a year in
  // its table and in its note): every element with the key is kept up to date.
  Array.prototype.forEach.call(root.querySelectorAll("[data-key]"), function (el) {
    var key = el.getAttribute("data-key");
    (keyed[key] = keyed[key] || []).push(el);
  });

  function q(selector) {
    return root.querySelector(selector);
  }

  // Set the text of the readout element data-key=key (if it changed).
  function show(key, text) {
    (keyed[key] || []).forEach(function (el) {
      if (el.textContent !== text) {
        el.textContent = text;
      }
    });
  }

  // What the readout shows now: {threshold: the typed box, key: text, ...}.
  function read() {
    var out = {};
    var box = q(".fv-tn");
    if (box) {
      out.threshold = box.value;
    }
    Object.keys(keyed).forEach(function (key) {
      out[key] = keyed[key][0].textContent;
    });
    return out;
  }

  // fn, timing each call with performance.now() into timings (for the
  // benchmark script; the last 10,000 calls).
  function timed(fn) {
    return function () {
      var t0 = performance.now();
      var result = fn.apply(null, arguments);
      timings.push(performance.now() - t0);
      if (timings.length > 10000) {
        timings.shift();
      }
      return result;
    };
  }

  function snapQ(tq) {
    return snap(tq, C.lo, C.hi, C.step);
  }

  // The slider's threshold as hundredths on its grid.
  function sliderQ(slider) {
    return snapQ(parseThreshold(slider.value));
  }

  // Wire a threshold slider and its number box to onchange(hundredths).
  // The box commits on change and on Enter (a notebook would otherwise
  // read Enter as its own); text that is not a number puts the slider's
  // value back.
  function bindThreshold(slider, box, onchange) {
    slider.addEventListener("input", function () {
      onchange(sliderQ(slider));
    });
    function commit() {
      var tq = parseThreshold(box.value);
      if (tq === null) {
        box.value = fixed(sliderQ(slider), 2);
        return;
      }
      tq = snapQ(tq);
      slider.value = fixed(tq, 2);
      onchange(tq);
      box.value = fixed(tq, 2);
    }
    box.addEventListener("change", commit);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        commit();
      }
    });
  }

  // Publish the explorer as window.FaceValueExplorers[id] (tests, benchmarks).
  function register(api) {
    api.read = read;
    api.timings = timings;
    api.root = root;
    api.id = C.id;
    var registry = window.FaceValueExplorers = window.FaceValueExplorers || {};
    registry[C.id] = api;
  }

  // The chart's x position (viewBox units) of a threshold in hundredths.
  function xpx(tq) {
    return C.plot.L + (tq - C.lo) / (C.hi - C.lo) * C.plot.W;
  }

  // Move the threshold line and its label to x.
  function moveThresholdMark(x, tq) {
    var line = q(".fv-tline");
    var label = q(".fv-tlabel");
    if (line) {
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
    }
    if (label) {
      var P = C.plot;
      label.setAttribute("x", x);
      label.textContent = "threshold " + fixed(tq, 2);
      label.setAttribute("text-anchor",
        x > P.L + P.W - P.edge ? "end" : (x < P.L + P.edge ? "start" : "middle"));
    }
  }

  return {
    root: root, q: q, show: show, read: read, timed: timed, snapQ: snapQ,
    sliderQ: sliderQ, bindThreshold: bindThreshold, register: register,
    xpx: xpx, moveThresholdMark: moveThresholdMark
  };
}

// Make the explorer live: mark it ready (once, even if its output is shown
// twice), hide the no-JavaScript note, enable the inputs, then mount(C, page).
function start(C, mount) {
  var root = findRoot(C.id);
  if (!root || root.getAttribute("data-fv-ready")) {
    return;
  }
  root.setAttribute("data-fv-ready", "1");
  var nojs = root.querySelector(".fv-nojs");
  if (nojs) {
    nojs.hidden = true;
  }
  Array.prototype.forEach.call(root.querySelectorAll("input"), function (input) {
    input.disabled = false;
    keepKeys(input);
  });
  mount(C, explorerPage(C, root));
}
