// Face Value: the watchlist explorer (needs core.js and page.js).
//
// C = {id, t, lo, hi, step, gi, sizes, nProbes, plot: {L, W, T, H, slot, edge},
//      sims, imp, gen}, written by watchlist.py: thresholds in hundredths;
// sims[i] holds each probe's best score against the first sizes[i] people;
// imp and gen may be null.
var WATCHLIST_KEYS = ["threshold", "gallery_size", "sim_count", "sim_share", "fmr",
                      "fmr_one_in", "p_any", "expected", "fnmr", "fnmr_count"];
var NICE_PERCENT = [1, 2, 5, 10, 20, 50, 100];

// A y tick label: 0.5 -> "0.5%", 10 -> "10%".
function tickText(v) {
  return String(Math.round(v * 10) / 10) + "%";
}

function mountWatchlist(C, page) {
  var sims = C.sims.map(decode);
  var imp = C.imp ? decode(C.imp) : null;
  var gen = C.gen ? decode(C.gen) : null;
  var root = page.root;
  var slider = page.q(".fv-t");
  var box = page.q(".fv-tn");
  var gslider = page.q(".fv-g");
  var bars = root.querySelectorAll(".fv-bar");
  var marks = root.querySelectorAll(".fv-mark");
  var glabels = root.querySelectorAll(".fv-glabel");
  var rows = root.querySelectorAll("tr.fv-row");
  var ticks = root.querySelectorAll(".fv-ytick");
  var fline = page.q(".fv-fline");
  var state = {tq: C.t, gi: C.gi};

  var update = page.timed(function (tq, gi) {
    if (gi === undefined) {
      gi = state.gi;
    }
    state.tq = tq;
    state.gi = gi;
    // One readout per gallery size: the chart and the table show them all.
    var all = C.sizes.map(function (N, i) {
      return watchlistReadout(sims[i], imp, null, N, C.nProbes, tq);
    });
    var r = watchlistReadout(sims[gi], imp, gen, C.sizes[gi], C.nProbes, tq);
    WATCHLIST_KEYS.forEach(function (key) {
      if (key in r) {
        page.show(key, r[key]);
      }
    });
    var i;
    var top = 0;
    for (i = 0; i < all.length; i++) {
      top = Math.max(top, all[i].sim_at_or_above / all[i].n_sim_probes,
                     imp ? all[i].p_any_value : 0);
      if (rows.length) {
        var cells = rows[i].querySelectorAll("td");
        cells[0].textContent = all[i].sim_count + " (" + all[i].sim_share + ")";
        if (imp) {
          cells[1].textContent = all[i].p_any;
        }
        rows[i].className = i === gi ? "fv-row fv-sel" : "fv-row";
      }
    }
    if (imp) {
      root.setAttribute("data-impostor-at-or-above", r.impostor_at_or_above);
    }
    if (gen) {
      root.setAttribute("data-genuine-below", r.genuine_below);
    }
    slider.setAttribute("aria-valuetext", r.threshold + " out of 100");
    if (gslider) {
      gslider.setAttribute("aria-valuetext", r.gallery_size + " people");
    }
    if (document.activeElement !== box) {
      box.value = r.threshold;
    }
    root.setAttribute("data-threshold", r.threshold);
    root.setAttribute("data-gallery-size", C.sizes[gi]);
    root.setAttribute("data-sim-at-or-above", r.sim_at_or_above);

    // Chart: the y axis is the smallest of 1, 2, 5, ... 100% that holds every value.
    var ymax = 100;
    for (i = 0; i < NICE_PERCENT.length; i++) {
      if (NICE_PERCENT[i] >= top * 100 - 1e-9) {
        ymax = NICE_PERCENT[i];
        break;
      }
    }
    var P = C.plot;
    var points = [];
    for (i = 0; i < ticks.length; i++) {
      ticks[i].textContent = tickText(ymax * i / (ticks.length - 1));
    }
    for (i = 0; i < all.length; i++) {
      var on = i === gi;
      var h = all[i].sim_at_or_above / all[i].n_sim_probes * 100 / ymax * P.H;
      bars[i].setAttribute("y", P.T + P.H - h);
      bars[i].setAttribute("height", h);
      bars[i].setAttribute("class", on ? "fv-bar fv-on" : "fv-bar");
      bars[i].setAttribute("fill-opacity", on ? "1" : "0.75");
      bars[i].setAttribute("stroke-width", on ? "2.5" : "0");
      glabels[i].setAttribute("font-weight", on ? "700" : "400");
      if (imp) {
        var y = P.T + P.H - all[i].p_any_value * 100 / ymax * P.H;
        var cx = P.L + P.slot * (i + 0.5);
        marks[i].setAttribute("transform", "translate(" + cx.toFixed(2) + "," + y.toFixed(2) + ")");
        points.push(cx.toFixed(2) + "," + y.toFixed(2));
      }
    }
    if (fline) {
      fline.setAttribute("points", points.join(" "));
    }
  });

  page.bindThreshold(slider, box, function (tq) {
    update(tq, state.gi);
  });
  if (gslider) {
    gslider.addEventListener("input", function () {
      update(state.tq, parseInt(gslider.value, 10));
    });
  }
  page.register({
    kind: "watchlist",
    update: update,
    state: state,
    sizes: C.sizes,
    // Move to a threshold (number or text, as if typed) and gallery index gi;
    // false if the threshold is not a number.
    set: function (value, gi) {
      var tq = parseThreshold(String(value));
      if (tq === null) {
        return false;
      }
      tq = page.snapQ(tq);
      slider.value = fixed(tq, 2);
      if (gi !== undefined && gslider) {
        gslider.value = String(gi);
      }
      update(tq, gi);
      return true;
    }
  });
  update(page.sliderQ(slider), state.gi);
}
