// Face Value: the threshold explorer (needs core.js and page.js).
//
// C = {id, t, lo, hi, step, plot: {L, W, edge}, gen, imp}, written by
// threshold.py: thresholds in hundredths, gen and imp as decode() reads them.
var THRESHOLD_KEYS = ["threshold", "fmr", "fmr_one_in", "fmr_count", "fnmr", "fnmr_count"];

function mountThreshold(C, page) {
  var gen = decode(C.gen);
  var imp = decode(C.imp);
  var root = page.root;
  var slider = page.q(".fv-t");
  var box = page.q(".fv-tn");
  var clipGen = page.q(".fv-clip-gen");
  var clipImp = page.q(".fv-clip-imp");
  var state = {tq: C.t};

  var update = page.timed(function (tq) {
    state.tq = tq;
    var r = thresholdReadout(gen, imp, tq);
    THRESHOLD_KEYS.forEach(function (key) {
      page.show(key, r[key]);
    });
    slider.setAttribute("aria-valuetext", r.threshold + " out of 100");
    if (document.activeElement !== box) {
      box.value = r.threshold;
    }
    root.setAttribute("data-threshold", r.threshold);
    root.setAttribute("data-impostor-at-or-above", r.impostor_at_or_above);
    root.setAttribute("data-genuine-below", r.genuine_below);
    // The errors are drawn darker: genuine pairs left of the line, impostor
    // pairs right of it.
    var x = page.xpx(tq);
    page.moveThresholdMark(x, tq);
    clipGen.setAttribute("width", Math.max(0, x - C.plot.L));
    clipImp.setAttribute("x", x);
    clipImp.setAttribute("width", Math.max(0, C.plot.L + C.plot.W - x));
  });

  page.bindThreshold(slider, box, update);
  page.register({
    kind: "threshold",
    update: update,
    state: state,
    // Move to a threshold given as a number or as text (as if typed); false
    // if it is not a number.
    set: function (value) {
      var tq = parseThreshold(String(value));
      if (tq === null) {
        return false;
      }
      tq = page.snapQ(tq);
      slider.value = fixed(tq, 2);
      update(tq);
      return true;
    }
  });
  update(page.sliderQ(slider));
}
