// Face Value explorers: pure helpers, no DOM.
//
// Each function has a Python twin in facelab/views/explorers/_common.py that
// gives the same integers and the same strings, digit for digit
// (tests/js/explorer-cases.json holds the cases both test suites check).
// The file holds declarations only: Python inlines it, unchanged, into each
// explorer's script, and tests/js/ loads it with node:vm.
//
// Conventions: a score or threshold is an integer number of hundredths
// (0..10000 for 0..100); counts are non-negative integers below 2**53.

var POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

// Floor of a / b for non-negative integers, exact where a / b in floating
// point is off by one ulp.  Python: a // b.
function idiv(a, b) {
  var q = Math.floor(a / b);
  if (q * b > a) {
    q -= 1;
  } else if ((q + 1) * b <= a) {
    q += 1;
  }
  return q;
}

// An integer with a comma every three digits: 1234567 -> "1,234,567".
// Python: _group.
function group(n) {
  var s = String(Math.abs(n));
  var out = "";
  while (s.length > 3) {
    out = "," + s.slice(-3) + out;
    s = s.slice(0, -3);
  }
  return (n < 0 ? "-" : "") + s + out;
}

// The non-negative integer r scaled by 10**-d, with d decimals:
// fixed(8000, 2) -> "80.00".  Python: _fixed.
function fixed(r, d) {
  var ip = idiv(r, POW10[d]);
  var text = group(ip);
  if (d > 0) {
    var fp = String(r - ip * POW10[d]);
    while (fp.length < d) {
      fp = "0" + fp;
    }
    text += "." + fp;
  }
  return text;
}

// 100 * k / n as a percentage, rounded half up from the exact fraction, with
// at least two decimals and at least three significant digits (at most six
// decimals): "33.33%", "0.0625%", "0.000333%".  Python: _pct_ratio.
function pctRatio(k, n) {
  if (k === 0) {
    return "0.00%";
  }
  for (var d = 2; d <= 6; d++) {
    var r = idiv(2 * k * 100 * POW10[d] + n, 2 * n);
    if (r >= 100 || d === 6) {
      return fixed(r, d) + "%";
    }
  }
  return "";  // not reached
}

// 100 * p for a floating-point probability p, rounded half up the same way.
// Python: _pct_float (the same floating-point operations in the same order).
function pctFloat(p) {
  var x = p * 100;
  if (x <= 0) {
    return "0.00%";
  }
  for (var d = 2; d <= 6; d++) {
    var r = Math.floor(x * POW10[d] + 0.5);
    if (r >= 100 || d === 6) {
      return r > 0 ? fixed(r, d) + "%" : "<0.000001%";
    }
  }
  return "";  // not reached
}

// "about 1 in N" with N = n / k rounded half up, or "none of n".
// Python: _one_in.
function oneIn(k, n) {
  if (k === 0) {
    return "none of " + group(n);
  }
  return "about 1 in " + group(idiv(2 * n + k, 2 * k));
}

// P(at least one false match among n independent comparisons) =
// 1 - (1 - fmr)**n, computed without cancellation.  Python: _p_any.
function pAny(fmr, n) {
  return -Math.expm1(n * Math.log1p(-fmr));
}

// The first index i with a[i] >= x in the sorted array a (a.length if none).
// Python: numpy.searchsorted(a, x, side="left").
function lowerBound(a, x) {
  var lo = 0;
  var hi = a.length;
  while (lo < hi) {
    var mid = (lo + hi) >>> 1;
    if (a[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Unpack a score set embedded as {v: deltas of the sorted distinct values,
// c: the count of each}: the values, the running counts and the total.
// Python: _encode packs it.
function decode(e) {
  var n = e.v.length;
  var vals = new Int32Array(n);
  var cum = new Float64Array(n + 1);
  var acc = 0;
  for (var i = 0; i < n; i++) {
    acc += e.v[i];
    vals[i] = acc;
    cum[i + 1] = cum[i] + e.c[i];
  }
  return {vals: vals, cum: cum, n: cum[n]};
}

// How many scores of a decoded set are below tq (all in hundredths).
// Python: numpy.searchsorted(sorted_scores, tq, side="left").
function countBelow(d, tq) {
  return d.cum[lowerBound(d.vals, tq)];
}

// Half-even rounding of the non-negative integer a / b: the nearest integer,
// and the even one of the two when a / b is exactly half-way.
function roundHalfEven(a, b) {
  var q = idiv(a, b);
  var twice = 2 * (a - q * b);
  if (twice > b || (twice === b && q % 2 === 1)) {
    q += 1;
  }
  return q;
}

// A threshold tq (hundredths) moved into [lo, hi] and then to the nearest
// point lo + k * step of the slider's grid, ties to even k.  Python:
// _snap_to_grid.
function snap(tq, lo, hi, step) {
  if (tq < lo) {
    tq = lo;
  }
  if (tq > hi) {
    tq = hi;
  }
  var last = lo + idiv(hi - lo, step) * step;
  return Math.min(lo + roundHalfEven(tq - lo, step) * step, last);
}

// What a typed threshold means: a decimal number, optionally signed, with an
// optional exponent, and ASCII white space around it ("80", " 80.5 ",
// ".5", "1e2", "-1").  The same expression is in _common.py.
var DECIMAL_TEXT = /^[ \t\n\r\f\v]*([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?[ \t\n\r\f\v]*$/;

// Hundredths with more digits than this read as +-Infinity (a page only needs to
// know that they are off the scale; 15 digits stay exact as numbers).
var PARSE_LIMIT_DIGITS = 15;

// The typed text as an integer number of hundredths, rounded half to even on
// its DECIMAL digits (so "87.005" -> 8700 and "87.015" -> 8702, whatever the
// nearest binary floats are), or null when the text is not a number.
// Values off the 0..100 scale come back as they are ("-1" -> -100); the
// caller clamps them.  Python: _parse_threshold_text.
function parseThreshold(text) {
  var m = DECIMAL_TEXT.exec(String(text));
  if (m === null) {
    return null;
  }
  var intDigits = m[2];
  var fracDigits = m[3] || "";
  if (intDigits === "" && fracDigits === "") {
    return null;
  }
  var sign = m[1] === "-" ? -1 : 1;
  var exp = m[4] ? parseInt(m[4], 10) : 0;
  var digits = intDigits + fracDigits;
  // The number is 0.digits x 10**point once the point moves two places right
  // (to hundredths) and by the exponent.
  var point = intDigits.length + exp + 2;
  var lead = digits.search(/[1-9]/);
  if (lead < 0) {
    return 0;
  }
  digits = digits.slice(lead);
  point -= lead;
  if (point > PARSE_LIMIT_DIGITS) {
    return sign * Infinity;
  }
  if (point < 0) {
    return 0;  // below half a hundredth
  }
  var whole = digits.slice(0, point);
  while (whole.length < point) {
    whole += "0";
  }
  var rest = digits.slice(point);
  var q = whole === "" ? 0 : parseInt(whole, 10);
  var first = rest.charAt(0);
  var odd = whole !== "" && "13579".indexOf(whole.charAt(whole.length - 1)) >= 0;
  if (first > "5" || (first === "5" && (/[1-9]/.test(rest.slice(1)) || odd))) {
    q += 1;
  }
  return q === 0 ? 0 : sign * q;
}

// The threshold explorer's readout at tq for decoded genuine and impostor
// sets: the strings the page shows and the counts behind them.
// Python: explorer_numbers (threshold._rates).
function thresholdReadout(gen, imp, tq) {
  var kImp = imp.n - countBelow(imp, tq);
  var kGen = countBelow(gen, tq);
  return {
    threshold: fixed(tq, 2),
    fmr: pctRatio(kImp, imp.n),
    fmr_one_in: oneIn(kImp, imp.n),
    fmr_count: group(kImp) + " of " + group(imp.n),
    fnmr: pctRatio(kGen, gen.n),
    fnmr_count: group(kGen) + " of " + group(gen.n),
    impostor_at_or_above: kImp,
    n_impostor: imp.n,
    genuine_below: kGen,
    n_genuine: gen.n
  };
}

// The watchlist explorer's readout at tq for one gallery of N people: sim
// holds each probe's best score against it; imp (impostor pairs, for the
// formula) and gen (genuine pairs, for the FNMR) may be null; nProbes is the
// formula's number of probes (null: as many as simulated).
// Python: watchlist_numbers (watchlist._watch).
function watchlistReadout(sim, imp, gen, N, nProbes, tq) {
  var m = sim.n;
  var kSim = m - countBelow(sim, tq);
  var out = {
    threshold: fixed(tq, 2),
    gallery_size: group(N),
    sim_count: group(kSim) + " of " + group(m),
    sim_share: pctRatio(kSim, m),
    sim_at_or_above: kSim,
    n_sim_probes: m
  };
  if (imp) {
    var kImp = imp.n - countBelow(imp, tq);
    var p = pAny(kImp / imp.n, N);
    var probes = nProbes === null || nProbes === undefined ? m : nProbes;
    var expected = probes * p;
    out.fmr = pctRatio(kImp, imp.n);
    out.fmr_one_in = oneIn(kImp, imp.n);
    out.p_any = pctFloat(p);
    out.expected = fixed(Math.floor(expected * 10 + 0.5), 1);
    out.n_probes = group(probes);
    out.impostor_at_or_above = kImp;
    out.n_impostor = imp.n;
    out.p_any_value = p;
    out.expected_value = expected;
  }
  if (gen) {
    var kGen = countBelow(gen, tq);
    out.fnmr = pctRatio(kGen, gen.n);
    out.fnmr_count = group(kGen) + " of " + group(gen.n);
    out.genuine_below = kGen;
    out.n_genuine = gen.n;
  }
  return out;
}
