// Face Value: the two-group explorer (needs core.js and page.js).
//
// C = {id, lo, hi, step, t, ta, tb, per, mi, ai, mixes, arms, sets}, written
// by groups.py: thresholds in hundredths (t shared, ta and tb per group); per
// says which mode the page starts in; mi and ai index mixes and arms (their
// labels); sets[mi][ai] = {A: {gen, imp}, B: {gen, imp}}, each as decode()
// reads it: the counts of the scores' floors on the slider grid, so every
// count at a slider position is the count of the quantised scores.
//
// Python twins: groupsReadout is groups._rates, timesText groups._times,
// equalFmrB groups._equal_fmr_b (tests/js/groups-cases.json holds the cases).
var GROUPS_KEYS = ["threshold_a", "fmr_a", "fmr_count_a", "fnmr_a", "fnmr_count_a",
                   "threshold_b", "fmr_b", "fmr_count_b", "fnmr_b", "fnmr_count_b",
                   "fmr_ratio", "mix", "arm"];

var MODE_TEXT = ["one threshold for everyone", "one threshold per group"];

// A ratio with at least two decimals and three significant digits, then
// the times sign: "3.41×", "0.0123×".  Python: groups._times.
function timesText(x) {
  for (var d = 2; d <= 6; d++) {
    var r = Math.floor(x * POW10[d] + 0.5);
    if (r >= 100 || d === 6) {
      return (r > 0 ? fixed(r, d) : "<0.000001") + "\u00d7";
    }
  }
  return "";  // not reached
}

// The readout for decoded sets a = {gen, imp} (group A) and b (group B) at
// thresholds tqA and tqB (hundredths).  Python: groups._rates.
function groupsReadout(a, b, tqA, tqB) {
  var out = {};
  var k = {};
  [["a", a, tqA], ["b", b, tqB]].forEach(function (row) {
    var g = row[0];
    var set = row[1];
    var tq = row[2];
    var kImp = set.imp.n - countBelow(set.imp, tq);
    var kGen = countBelow(set.gen, tq);
    k[g] = [kImp, set.imp.n, kGen, set.gen.n];
    out["threshold_" + g] = fixed(tq, 2);
    out["fmr_" + g] = pctRatio(kImp, set.imp.n);
    out["fmr_count_" + g] = group(kImp) + " of " + group(set.imp.n) + " pairs";
    out["fnmr_" + g] = pctRatio(kGen, set.gen.n);
    out["fnmr_count_" + g] = group(kGen) + " of " + group(set.gen.n) + " pairs";
  });
  var ka = k.a[0];
  var na = k.a[1];
  var kb = k.b[0];
  var nb = k.b[1];
  // FMR_B / FMR_A = (kb * na) / (ka * nb): two exact integer products, one division.
  var value = null;
  if (ka === 0) {
    out.fmr_ratio = kb === 0 ? "none in either group" : "no false match in A";
  } else {
    value = (kb * na) / (ka * nb);
    out.fmr_ratio = kb ? timesText(value) : "0.00\u00d7";
  }
  out.impostor_at_or_above_a = ka;
  out.n_impostor_a = na;
  out.impostor_at_or_above_b = kb;
  out.n_impostor_b = nb;
  out.genuine_below_a = k.a[2];
  out.n_genuine_a = k.a[3];
  out.genuine_below_b = k.b[2];
  out.n_genuine_b = k.b[3];
  out.fmr_ratio_value = value;
  return out;
}

// The grid threshold for B whose FMR is nearest A's at tqA, comparing
// |kB * nA - kA * nB| (exact integers); of equal ones, the highest.
// Python: groups._equal_fmr_b.
function equalFmrB(a, b, tqA, lo, hi, step) {
  var kA = a.imp.n - countBelow(a.imp, tqA);
  var best = lo;
  var bestGap = Infinity;
  for (var g = lo; g <= hi; g += step) {
    var kB = b.imp.n - countBelow(b.imp, g);
    var gap = Math.abs(kB * a.imp.n - kA * b.imp.n);
    if (gap <= bestGap) {
      best = g;
      bestGap = gap;
    }
  }
  return best;
}

// The step outline of a decoded set's shares of pairs per bin between the
// edges of plot P (viewBox units), for the panel whose top is at top.
// Python: groups._path (the same shares; coordinates to 0.1).
function histPath(set, P, lo, hi, top) {
  var e = P.edges;
  function x(q) {
    return (P.L + (q - lo) / (hi - lo) * P.W).toFixed(1);
  }
  function y(v) {
    return (top + P.PH - v / P.ymax * P.PH).toFixed(1);
  }
  var out = "M" + x(e[0]) + "," + y(0);
  var prev = countBelow(set, e[0]);
  for (var i = 0; i + 1 < e.length; i++) {
    var next = countBelow(set, e[i + 1]);
    var v = (next - prev) / set.n * 100;
    prev = next;
    out += "L" + x(e[i]) + "," + y(v) + "L" + x(e[i + 1]) + "," + y(v);
  }
  return out + "L" + x(e[e.length - 1]) + "," + y(0) + "Z";
}

function mountGroups(C, page) {
  var root = page.root;
  var decoded = {};
  var mix = page.q(".fv-mix");
  var arms = [page.q(".fv-arm-0"), page.q(".fv-arm-1")].filter(function (el) {
    return el !== null;
  });
  var modes = [page.q(".fv-mode-0"), page.q(".fv-mode-1")];
  var one = page.q(".fv-one");
  var per = page.q(".fv-per");
  var eq = page.q(".fv-eq");
  var sliders = {t: page.q(".fv-t"), ta: page.q(".fv-ta"), tb: page.q(".fv-tb")};
  var boxes = {t: page.q(".fv-tn"), ta: page.q(".fv-tan"), tb: page.q(".fv-tbn")};
  var state = {mi: C.mi, ai: C.ai, per: C.per, t: C.t, ta: C.ta, tb: C.tb};

  // start() enables the inputs only; the select and the button too belong
  // to the explorer.
  [mix, eq].forEach(function (el) {
    el.disabled = false;
    keepKeys(el);
  });

  // The decoded sets of one mix and arm (decoded on first use).
  function sets(mi, ai) {
    var key = mi + "/" + ai;
    if (!decoded[key]) {
      var s = C.sets[mi][ai];
      decoded[key] = {A: {gen: decode(s.A.gen), imp: decode(s.A.imp)},
                      B: {gen: decode(s.B.gen), imp: decode(s.B.imp)}};
    }
    return decoded[key];
  }

  var drawn = null;

  // Redraw the histograms (when the mix or the arm changed) and move each
  // panel's threshold line, its label and the darker error shading.
  function draw(s, tqs) {
    var P = C.plot;
    if (!P) {
      return;
    }
    var key = state.mi + "/" + state.ai;
    ["a", "b"].forEach(function (g, i) {
      var top = P.T + i * (P.PH + P.GAP);
      var set = s[g === "a" ? "A" : "B"];
      if (drawn !== key) {
        var dg = histPath(set.gen, P, C.lo, C.hi, top);
        var di = histPath(set.imp, P, C.lo, C.hi, top);
        Array.prototype.forEach.call(root.querySelectorAll(".fv-pg-" + g), function (el) {
          el.setAttribute("d", dg);
        });
        Array.prototype.forEach.call(root.querySelectorAll(".fv-pi-" + g), function (el) {
          el.setAttribute("d", di);
        });
      }
      var x = P.L + (tqs[i] - C.lo) / (C.hi - C.lo) * P.W;
      var line = page.q(".fv-tline-" + g);
      var label = page.q(".fv-tlabel-" + g);
      var clipGen = page.q(".fv-clip-gen-" + g);
      var clipImp = page.q(".fv-clip-imp-" + g);
      if (line) {
        line.setAttribute("x1", x);
        line.setAttribute("x2", x);
      }
      if (label) {
        label.setAttribute("x", x);
        label.textContent = "threshold " + fixed(tqs[i], 2);
        label.setAttribute("text-anchor", x > P.L + P.W - P.edge ? "end" : "middle");
      }
      if (clipGen) {
        clipGen.setAttribute("width", Math.max(0, x - P.L));
      }
      if (clipImp) {
        clipImp.setAttribute("x", x);
        clipImp.setAttribute("width", Math.max(0, P.L + P.W - x));
      }
    });
    drawn = key;
  }

  var update = page.timed(function () {
    var s = sets(state.mi, state.ai);
    var r = groupsReadout(s.A, s.B, state.per ? state.ta : state.t,
                          state.per ? state.tb : state.t);
    r.mix = C.mixes[state.mi];
    r.arm = C.arms[state.ai];
    r.mode = MODE_TEXT[state.per ? 1 : 0];
    GROUPS_KEYS.forEach(function (key) {
      page.show(key, r[key]);
    });
    draw(s, state.per ? [state.ta, state.tb] : [state.t, state.t]);
    one.hidden = state.per;
    per.hidden = !state.per;
    ["t", "ta", "tb"].forEach(function (name) {
      var text = fixed(state[name], 2);
      sliders[name].setAttribute("aria-valuetext", text + " out of 100");
      if (document.activeElement !== boxes[name]) {
        boxes[name].value = text;
      }
    });
    root.setAttribute("data-mix", String(state.mi));
    root.setAttribute("data-arm", String(state.ai));
    root.setAttribute("data-mode", state.per ? "per" : "one");
    root.setAttribute("data-threshold-a", r.threshold_a);
    root.setAttribute("data-threshold-b", r.threshold_b);
    return r;
  });

  ["t", "ta", "tb"].forEach(function (name) {
    page.bindThreshold(sliders[name], boxes[name], function (tq) {
      state[name] = tq;
      update();
    });
  });
  mix.addEventListener("change", function () {
    state.mi = parseInt(mix.value, 10);
    update();
  });
  arms.forEach(function (radio, i) {
    radio.addEventListener("change", function () {
      if (radio.checked) {
        state.ai = i;
        update();
      }
    });
  });
  modes.forEach(function (radio, i) {
    radio.addEventListener("change", function () {
      if (radio.checked) {
        state.per = i === 1;
        update();
      }
    });
  });
  eq.addEventListener("click", function () {
    var s = sets(state.mi, state.ai);
    state.tb = equalFmrB(s.A, s.B, state.ta, C.lo, C.hi, C.step);
    sliders.tb.value = fixed(state.tb, 2);
    update();
  });

  page.register({
    kind: "groups",
    update: update,
    state: state,
    mixes: C.mixes,
    arms: C.arms,
    // Move to settings {mi, ai, per, t, ta, tb}; thresholds as numbers or
    // text (as if typed). False if a threshold is not a number.
    set: function (settings) {
      var names = ["t", "ta", "tb"];
      for (var i = 0; i < names.length; i++) {
        var v = settings[names[i]];
        if (v !== undefined && parseThreshold(String(v)) === null) {
          return false;
        }
      }
      names.forEach(function (name) {
        if (settings[name] !== undefined) {
          state[name] = page.snapQ(parseThreshold(String(settings[name])));
          sliders[name].value = fixed(state[name], 2);
        }
      });
      if (settings.mi !== undefined) {
        state.mi = settings.mi;
        mix.value = String(settings.mi);
      }
      if (settings.ai !== undefined) {
        state.ai = settings.ai;
        arms[settings.ai].checked = true;
      }
      if (settings.per !== undefined) {
        state.per = Boolean(settings.per);
        modes[state.per ? 1 : 0].checked = true;
      }
      update();
      return true;
    }
  });
  // Start from what the controls show (a browser may restore a form's values).
  state.mi = parseInt(mix.value, 10);
  arms.forEach(function (radio, i) {
    if (radio.checked) {
      state.ai = i;
    }
  });
  state.per = modes[1].checked;
  ["t", "ta", "tb"].forEach(function (name) {
    state[name] = page.sliderQ(sliders[name]);
  });
  update();
}
