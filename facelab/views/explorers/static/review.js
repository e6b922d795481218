// Face Value: the review explorer (needs core.js and page.js).
//
// C = {id, t, lo, hi, step, sizes, lengths, gi, ki, r, searches, maxSearches,
//      fmrUpper, imp}, written by review.py: thresholds in hundredths; gi and
// ki index sizes and lengths; r is the reviewer error in whole percent;
// fmrUpper is 1 - 0.05**(1/n) for the n embedded impostor scores (computed
// once in Python, so both sides use the same float).
//
// The arithmetic is facelab/evaluation/leads.py ported line for line: the
// same recursion, the same order of operations, and sums added left to right
// from 0 as Python's sum() adds them (Python 3.11), so the page gives the
// numbers Python gives (to the last bit, where Math's log, log1p, exp and
// expm1 agree with C's).  tests/js/review-cases.json holds the cases.
var REVIEW_KEYS = ["threshold", "gallery_size", "list_length", "reviewer_error", "searches",
                   "fmr", "fmr_count", "fmr_one_in", "upper_fmr",
                   "p_list", "expected_listed", "p_put", "year_put", "year_innocent",
                   "upper_p_list", "upper_expected_listed", "upper_p_put", "upper_year_put",
                   "upper_year_innocent"];

// Upper-tail terms summed at most.  Python: leads._MAX_TAIL_TERMS.
var MAX_TAIL_TERMS = 100000;

// log(p / (1 - p)).  Python: leads._log_pmf_step.
function logPmfStep(p) {
  return Math.log(p) - Math.log1p(-p);
}

// P(X = i) for i = 0 .. upto, X ~ Binomial(n, p).  Python: leads.binomial_pmfs.
function binomialPmfs(n, p, upto) {
  var out = [];
  var i;
  for (i = 0; i <= upto; i++) {
    out.push(0);
  }
  if (p === 0) {
    out[0] = 1;
    return out;
  }
  if (p === 1) {
    if (n <= upto) {
      out[n] = 1;
    }
    return out;
  }
  var logTerm = n * Math.log1p(-p);
  var step = logPmfStep(p);
  var last = Math.min(upto, n);
  for (i = 0; i <= last; i++) {
    out[i] = Math.exp(logTerm);
    logTerm += i < n ? Math.log((n - i) / (i + 1)) + step : 0;
  }
  return out;
}

// The sum of the numbers in a, added left to right from 0.  Python: sum().
function sumLeft(a) {
  var total = 0;
  for (var i = 0; i < a.length; i++) {
    total += a[i];
  }
  return total;
}

// P(X >= j), accurate when it is tiny.  Python: leads.binomial_tail.
function binomialTail(n, p, j) {
  if (j === 0) {
    return 1;
  }
  if (j > n || p === 0) {
    return 0;
  }
  if (p === 1) {
    return 1;
  }
  var lower = sumLeft(binomialPmfs(n, p, j - 1));
  if (lower < 0.5) {
    return Math.max(0, 1 - lower);
  }
  var step = logPmfStep(p);
  var logTerm = n * Math.log1p(-p);
  var i;
  for (i = 0; i < j; i++) {
    logTerm += Math.log((n - i) / (i + 1)) + step;
  }
  var total = 0;
  i = j;
  while (i <= n && i < j + MAX_TAIL_TERMS) {
    var term = Math.exp(logTerm);
    total += term;
    if (term <= total * 1e-17) {
      break;
    }
    if (i < n) {
      logTerm += Math.log((n - i) / (i + 1)) + step;
    }
    i += 1;
  }
  return Math.min(1, total);
}

// E[min(k, X)], the expected strangers on a list of length k.
// Python: leads.expected_listed.
function expectedListed(fmr, n, k) {
  var tails = [];
  for (var j = 1; j <= k; j++) {
    tails.push(binomialTail(n, fmr, j));
  }
  return sumLeft(tails);
}

// Candidate lists and a fallible reviewer for searches of people not in the
// gallery: the fields of leads.ReviewOutcome.  Python: leads.review.
function reviewOutcome(fmr, n, k, r, searches) {
  var tails = [];
  var j;
  for (j = 1; j <= k; j++) {
    tails.push(binomialTail(n, fmr, j));
  }
  var expected = sumLeft(tails);
  // 1 - (1 - r)**i
  function confirmAny(i) {
    return r === 1 ? 1 : -Math.expm1(i * Math.log1p(-r));
  }
  var upper = [1].concat(tails);
  var parts = [];
  for (j = 1; j < k; j++) {
    parts.push((upper[j] - upper[j + 1]) * confirmAny(j));
  }
  var pPut = Math.min(1, Math.max(0, sumLeft(parts) + upper[k] * confirmAny(k)));
  return {
    p_any_candidate: tails[0],
    expected_candidates: expected,
    p_innocent_put_forward: pPut,
    expected_innocent: r * expected,
    searches_with_innocent_total: searches * pPut,
    innocent_total: searches * r * expected
  };
}

// An expected count: three significant digits below 100, a whole number
// above ("0.500", "12.3", "1,235", "0").  Python: review._amount.
function amount(x) {
  if (x <= 0) {
    return "0";
  }
  if (x >= 100) {
    return group(Math.floor(x + 0.5));
  }
  for (var d = 1; d <= 6; d++) {
    var r = Math.floor(x * POW10[d] + 0.5);
    if (r >= 100 || d === 6) {
      return r > 0 ? fixed(r, d) : "<0.000001";
    }
  }
  return "";  // not reached
}

// The per-search and per-year readout of one FMR, keys prefixed.
// Python: review._outcome.
function outcomeTexts(out, prefix, fmr, n, k, r, searches) {
  var o = reviewOutcome(fmr, n, k, r, searches);
  out[prefix + "p_list"] = pctFloat(o.p_any_candidate);
  out[prefix + "expected_listed"] = amount(o.expected_candidates);
  out[prefix + "p_put"] = pctFloat(o.p_innocent_put_forward);
  out[prefix + "year_put"] = amount(o.searches_with_innocent_total);
  out[prefix + "year_innocent"] = amount(o.innocent_total);
  out[prefix + "p_list_value"] = o.p_any_candidate;
  out[prefix + "expected_listed_value"] = o.expected_candidates;
  out[prefix + "p_put_value"] = o.p_innocent_put_forward;
  out[prefix + "year_put_value"] = o.searches_with_innocent_total;
  out[prefix + "year_innocent_value"] = o.innocent_total;
}

// The review explorer's readout: imp is the decoded impostor set, tq the
// threshold in hundredths, N the gallery size, k the list length, rPct the
// reviewer error in whole percent, fmrUpper the 95% upper bound on an FMR
// measured as 0 of imp.n.  Python: review_numbers (review._readout).
function reviewReadout(imp, tq, N, k, rPct, searches, fmrUpper) {
  var kImp = imp.n - countBelow(imp, tq);
  var fmr = kImp / imp.n;
  var r = rPct / 100;
  var out = {
    threshold: fixed(tq, 2),
    gallery_size: group(N),
    list_length: group(k),
    reviewer_error: String(rPct) + "%",
    searches: group(searches),
    fmr: pctRatio(kImp, imp.n),
    fmr_count: group(kImp) + " of " + group(imp.n),
    fmr_one_in: oneIn(kImp, imp.n),
    upper_fmr: pctFloat(fmrUpper)
  };
  outcomeTexts(out, "", fmr, N, k, r, searches);
  outcomeTexts(out, "upper_", fmrUpper, N, k, r, searches);
  out.impostor_at_or_above = kImp;
  out.n_impostor = imp.n;
  out.fmr_value = fmr;
  out.upper_fmr_value = fmrUpper;
  out.status = tq === 0 ? "none" : (kImp === 0 ? "zero" : "measured");
  return out;
}

// A typed number of searches: a decimal number (as a threshold may be
// typed), clamped to [0, max] and rounded half up to a whole number; null
// when the text is not a number ("", "abc", "NaN").
function parseCount(text, max) {
  var s = String(text);
  if (!DECIMAL_TEXT.test(s) || !/[0-9]/.test(s)) {
    return null;
  }
  var x = Number(s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, ""));
  if (x !== x) {
    return null;
  }
  x = Math.min(Math.max(x, 0), max);
  return Math.floor(x + 0.5);
}

function mountReview(C, page) {
  var imp = decode(C.imp);
  var root = page.root;
  var slider = page.q(".fv-t");
  var box = page.q(".fv-tn");
  var gselect = page.q(".fv-g");
  var kselect = page.q(".fv-k");
  var rslider = page.q(".fv-r");
  var rvalue = page.q(".fv-r-value");
  var sbox = page.q(".fv-s");
  var noneNote = page.q(".fv-status-none");
  var zeroNote = page.q(".fv-status-zero");
  var rows = root.querySelectorAll("tr.fv-row");
  var state = {tq: C.t, gi: C.gi, ki: C.ki, r: C.r, searches: C.searches};

  // start() enables the inputs only; the selects too belong to the explorer.
  Array.prototype.forEach.call(root.querySelectorAll("select"), function (el) {
    el.disabled = false;
    keepKeys(el);
  });

  var update = page.timed(function () {
    var k = C.lengths[state.ki];
    var all = C.sizes.map(function (N) {
      return reviewReadout(imp, state.tq, N, k, state.r, state.searches, C.fmrUpper);
    });
    var r = all[state.gi];
    REVIEW_KEYS.forEach(function (key) {
      page.show(key, r[key]);
    });
    for (var i = 0; i < rows.length; i++) {
      var cells = rows[i].querySelectorAll("td");
      cells[0].textContent = all[i].p_list;
      cells[1].textContent = all[i].expected_listed;
      cells[2].textContent = all[i].p_put;
      cells[3].textContent = all[i].year_put;
      rows[i].className = i === state.gi ? "fv-row fv-sel" : "fv-row";
    }
    if (noneNote) {
      noneNote.hidden = r.status !== "none";
    }
    if (zeroNote) {
      zeroNote.hidden = r.status !== "zero";
    }
    if (rvalue) {
      rvalue.textContent = r.reviewer_error;
    }
    slider.setAttribute("aria-valuetext", r.threshold + " out of 100");
    rslider.setAttribute("aria-valuetext", r.reviewer_error + " of listed strangers confirmed");
    if (document.activeElement !== box) {
      box.value = r.threshold;
    }
    if (document.activeElement !== sbox) {
      sbox.value = String(state.searches);
    }
    root.setAttribute("data-threshold", r.threshold);
    root.setAttribute("data-gallery-size", C.sizes[state.gi]);
    root.setAttribute("data-list-length", k);
    root.setAttribute("data-reviewer-error", state.r);
    root.setAttribute("data-searches", state.searches);
    root.setAttribute("data-impostor-at-or-above", r.impostor_at_or_above);
    root.setAttribute("data-status", r.status);
    return r;
  });

  // The typed number of searches: commits on change and on Enter; text that
  // is not a number puts the last value back.
  function commitSearches() {
    var n = parseCount(sbox.value, C.maxSearches);
    if (n !== null) {
      state.searches = n;
      update();
    }
    sbox.value = String(state.searches);
  }

  page.bindThreshold(slider, box, function (tq) {
    state.tq = tq;
    update();
  });
  gselect.addEventListener("change", function () {
    state.gi = parseInt(gselect.value, 10);
    update();
  });
  kselect.addEventListener("change", function () {
    state.ki = parseInt(kselect.value, 10);
    update();
  });
  rslider.addEventListener("input", function () {
    state.r = parseInt(rslider.value, 10);
    update();
  });
  sbox.addEventListener("change", commitSearches);
  sbox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      commitSearches();
    }
  });
  page.register({
    kind: "review",
    update: update,
    state: state,
    sizes: C.sizes,
    lengths: C.lengths,
    // Move to a threshold (number or text, as if typed) and, if given, to
    // settings {gi, ki, r, searches}; false if the threshold is not a number.
    set: function (value, settings) {
      var tq = parseThreshold(String(value));
      if (tq === null) {
        return false;
      }
      tq = page.snapQ(tq);
      slider.value = fixed(tq, 2);
      state.tq = tq;
      settings = settings || {};
      if (settings.gi !== undefined) {
        state.gi = settings.gi;
        gselect.value = String(settings.gi);
      }
      if (settings.ki !== undefined) {
        state.ki = settings.ki;
        kselect.value = String(settings.ki);
      }
      if (settings.r !== undefined) {
        state.r = settings.r;
        rslider.value = String(settings.r);
      }
      if (settings.searches !== undefined) {
        state.searches = settings.searches;
      }
      update();
      return true;
    }
  });
  // Start from what the controls show (a browser may restore a form's values).
  state.tq = page.sliderQ(slider);
  state.gi = parseInt(gselect.value, 10);
  state.ki = parseInt(kselect.value, 10);
  state.r = parseInt(rslider.value, 10);
  update();
}
