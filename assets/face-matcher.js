// Face Value: chapter 2's face matcher, running in the reader's own browser.
//
// An ES module, added by _ext/fv_face_matcher.py only to the page that holds
// the matcher's root element (<div data-fv-face-matcher ...>). On load it only
// draws its controls (a few KB); everything heavy is fetched from this site
// when the reader asks for it:
//   - face-api (@vladmandic/face-api 1.7.15, TensorFlow.js inside) and three
//     models (scripts/vendor_assets.py copies them into _static/fv-vendor/face-api/):
//     when the reader chooses a photo, opens the camera or presses "Load";
//   - the gallery (descriptors of the 400 Olivetti faces computed in Python at
//     build time, and a sprite of their thumbnails, written by
//     _ext/fv_face_matcher.py into _static/fv-face-matcher/): on the first search.
// Nothing is sent anywhere and nothing is stored: no cookie, no Web Storage, no
// IndexedDB (the model is loaded from the served files with tf.io.decodeWeights,
// never through TensorFlow.js's model cache).
// The pure parts (scores, search, alignment, messages) are in face-matcher-core.js.

import * as core from "./face-matcher-core.js";

const STATIC = new URL(".", import.meta.url);
const FACE_API_URL = new URL("fv-vendor/face-api/face-api.esm.js", STATIC);
const MODEL_URL = new URL("fv-vendor/face-api/model/", STATIC);
const DATA_URL = new URL("fv-face-matcher/", STATIC);

// Each model: its files' stem, the face-api network it loads into, what the page calls it.
const MODELS = [
  { name: "tiny_face_detector_model", net: "tinyFaceDetector", label: "face detector" },
  { name: "face_landmark_68_tiny_model", net: "faceLandmark68TinyNet", label: "landmark finder (eyes and nose)" },
  { name: "face_recognition_model", net: "faceRecognitionNet", label: "face descriptor network (dlib's ResNet)" },
];
const LIBRARY_LABEL = "face-api and TensorFlow.js";
const LIBRARY_BYTES = 1333462; // dist/face-api.esm.js of face-api 1.7.15
const MAX_SIDE = 1280; // larger photos are downscaled to this before detection
const MIN_SIDE = 48; // smaller photos cannot show a face the detector can find
const CHIP = 150; // the network's input: a 150 x 150 aligned face
const PADDING = 0.25; // dlib's padding around the face for descriptors
const TOP_K = 5;
// The default threshold comes from the chapter: the root element's data-threshold
// (a book score in [0, 100], computed in Python: the score that agrees best with
// dlib's documented rule, raw distance < 0.6, on the Olivetti pairs). This is only
// the fallback if the attribute is missing or not such a number.
const FALLBACK_THRESHOLD = 95.5;
const SLIDER = { min: 80, max: 99.5, step: 0.5 };

/** The page's data-threshold rounded to one decimal, or null if missing or not a number in [0, 100]. */
function pageThreshold(root) {
  const v = (root.getAttribute("data-threshold") || "").trim();
  const t = v === "" ? NaN : Number(v);
  return Number.isFinite(t) && t >= 0 && t <= 100 ? Math.round(t * 10) / 10 : null;
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c);
  }
  return el;
}

/** What WebGL the page would get: {available, software, renderer}. */
function webglInfo() {
  try {
    const c = document.createElement("canvas");
    const gl = c.getContext("webgl2") || c.getContext("webgl");
    if (!gl) return { available: false, software: false, renderer: "" };
    const debug = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) || "");
    const lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext(); // a probe only: give the context back at once
    return { available: true, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer), renderer };
  } catch (e) {
    return { available: false, software: false, renderer: "" };
  }
}

function hasWebGL() {
  return webglInfo().available;
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

class FaceMatcher {
  constructor(root) {
    this.root = root;
    this.id = root.id || "fv-face-matcher";
    const fromPage = pageThreshold(root);
    this.thresholdFromPage = fromPage !== null;
    this.defaultThreshold = this.thresholdFromPage ? fromPage : FALLBACK_THRESHOLD;
    this.threshold = this.defaultThreshold;
    this.photos = { A: null, B: null };
    this.tokens = { A: 0, B: 0 };
    this.model = null; // Promise of {faceapi, backend}
    this.galleryPromise = null;
    this.gallery = null;
    this.sprite = null;
    this.stream = null;
    this.timings = { descriptor: [], detection: [], modelLoad: null };
    // "auto": webgl on a graphics chip, cpu otherwise; tests and the benchmark may force one.
    this.backendChoice = "auto";
    this.lastSearch = null;
    this.build();
  }

  // ------------------------------------------------------------------ UI
  build() {
    const id = this.id;
    const root = this.root;
    root.querySelectorAll(".fv-fm-needs").forEach((el) => el.remove());
    const ui = {};
    this.ui = ui;

    ui.status = h("p", { class: "fv-fm-status", role: "status" });
    ui.progress = h("ul", { class: "fv-fm-progress", hidden: true, "aria-label": "Loading the face model" });
    ui.load = h("button", { type: "button", class: "fv-fm-button", onclick: () => this.ensureModel().catch(() => {}) },
      "Load the face model now (8 MB, once)");

    const photoInput = (slot) => {
      const input = h("input", { type: "file", id: `${id}-file-${slot}`, accept: "image/*", class: "fv-fm-file",
        "aria-describedby": `${id}-privacy` });
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        if (file) {
          performance.mark("fv-fm-click");
          this.readFile(slot, file);
        }
      });
      ui[`file${slot}`] = input;
      return h("div", { class: "fv-fm-pick" },
        h("label", { for: input.id, class: "fv-fm-label" }, `Photo ${slot}`), input);
    };

    ui.cameraButton = h("button", { type: "button", class: "fv-fm-button fv-fm-secondary",
      onclick: () => this.startCamera() }, "Use the camera instead");
    ui.video = h("video", { class: "fv-fm-video", muted: true, playsinline: true, autoplay: true,
      "aria-label": "What the camera sees now" });
    ui.video.muted = true;
    ui.camera = h("div", { class: "fv-fm-camera", hidden: true },
      ui.video,
      h("div", { class: "fv-fm-row" },
        h("button", { type: "button", class: "fv-fm-button", onclick: () => this.capture("A") }, "Take photo A"),
        h("button", { type: "button", class: "fv-fm-button", onclick: () => this.capture("B") }, "Take photo B"),
        h("button", { type: "button", class: "fv-fm-button fv-fm-secondary", onclick: () => this.stopCamera(true) },
          "Turn the camera off")));

    const photoPanel = (slot) => {
      ui[`msg${slot}`] = h("p", { class: "fv-fm-msg", id: `${id}-msg-${slot}`, "aria-live": "polite" }, `No photo ${slot} yet.`);
      ui[`faces${slot}`] = h("div", { class: "fv-fm-faces" });
      return h("div", { class: "fv-fm-photo", role: "group", "aria-label": `Photo ${slot}` },
        h("p", { class: "fv-fm-photo-h" }, `Photo ${slot}`), ui[`msg${slot}`], ui[`faces${slot}`]);
    };

    // The threshold slider (the first range input in the matcher, see tests/test_browser.py).
    // Its range always covers the default; the default's position snaps to the step.
    const t0 = this.defaultThreshold;
    ui.slider = h("input", { type: "range", id: `${id}-threshold`,
      min: Math.min(SLIDER.min, Math.floor(t0)), max: Math.max(SLIDER.max, Math.min(100, Math.ceil(t0 * 2) / 2)),
      step: SLIDER.step, value: t0, "aria-describedby": `${id}-threshold-note` });
    ui.sliderValue = h("output", { class: "fv-fm-value", for: ui.slider.id });
    ui.slider.addEventListener("input", () => this.setThreshold(parseFloat(ui.slider.value)));
    const thresholdBox = h("div", { class: "fv-fm-threshold" },
      h("div", { class: "fv-fm-control" },
        h("label", { for: ui.slider.id, class: "fv-fm-label" }, "Threshold"),
        ui.slider, ui.sliderValue),
      h("p", { class: "fv-fm-note", id: `${id}-threshold-note` },
        "A book score at or above the threshold is a match. For descriptors scaled to length 1, " +
        "score = 100 - 25 × d², where d is their distance. dlib's documented rule is raw distance < 0.6 " +
        "(descriptors as the network outputs them)" + (this.thresholdFromPage ?
          `; on the Olivetti faces it agrees best with a book score of ${core.formatScore(t0)}, the starting threshold here.` :
          `. The starting threshold here is ${core.formatScore(t0)}.`)));

    ui.result = h("p", { class: "fv-fm-result", "aria-live": "polite", "aria-atomic": "true" },
      "Choose two photos to compare them.");

    // Gallery search.
    ui.probeOlivetti = h("input", { type: "radio", name: `${id}-probe`, id: `${id}-probe-olivetti`, value: "olivetti", checked: true });
    ui.probePhoto = h("input", { type: "radio", name: `${id}-probe`, id: `${id}-probe-photo`, value: "photo", disabled: true });
    ui.faceNumber = h("input", { type: "number", id: `${id}-face`, min: 0, max: 399, step: 1, value: 123, inputmode: "numeric" });
    ui.leaveOut = h("input", { type: "checkbox", id: `${id}-leave-out` });
    ui.searchButton = h("button", { type: "button", class: "fv-fm-button", onclick: () => {
      performance.mark("fv-fm-click");
      this.runSearch(true);
    } }, "Search the gallery");
    ui.probeView = h("div", { class: "fv-fm-probe" });
    ui.candidates = h("ol", { class: "fv-fm-candidates", "aria-label": "Top candidates, best first" });
    ui.searchResult = h("p", { class: "fv-fm-result", "aria-live": "polite", "aria-atomic": "true" },
      "Choose a probe and press the button: the page then fetches the gallery (about 0.3 MB).");
    for (const el of [ui.probeOlivetti, ui.probePhoto, ui.leaveOut]) el.addEventListener("change", () => this.runSearch(false));
    ui.faceNumber.addEventListener("change", () => {
      ui.probeOlivetti.checked = true;
      this.runSearch(false);
    });

    const privacy = h("p", { class: "fv-fm-privacy", id: `${id}-privacy` },
      h("strong", {}, "Nothing leaves this machine. "),
      "The photos you choose are read by this page inside your browser; they are never uploaded, " +
      "sent or stored, and reloading or closing the page forgets them. The camera starts only if you press " +
      "its button, and the model's files come from this site.");

    root.append(h("div", { class: "fv-fm-inner" },
      privacy,
      h("div", { class: "fv-fm-model" }, ui.status, ui.load, ui.progress),
      h("fieldset", { class: "fv-fm-box" },
        h("legend", {}, "1. Two photos: one person or two?"),
        h("div", { class: "fv-fm-row" }, photoInput("A"), photoInput("B"), ui.cameraButton),
        ui.camera,
        h("div", { class: "fv-fm-pair" }, photoPanel("A"), photoPanel("B")),
        thresholdBox,
        ui.result),
      h("fieldset", { class: "fv-fm-box" },
        h("legend", {}, "2. Search the book's gallery of 400 Olivetti faces"),
        h("div", { class: "fv-fm-row" },
          h("span", { class: "fv-fm-choice" }, ui.probeOlivetti,
            h("label", { for: ui.probeOlivetti.id }, "Olivetti face number (0 to 399)")),
          h("label", { for: ui.faceNumber.id, class: "fv-sr" }, "Olivetti face number, 0 to 399"),
          ui.faceNumber),
        h("div", { class: "fv-fm-row" },
          h("span", { class: "fv-fm-choice" }, ui.probePhoto,
            h("label", { for: ui.probePhoto.id }, "Photo A (once its face is found)"))),
        h("div", { class: "fv-fm-row" },
          h("span", { class: "fv-fm-choice" }, ui.leaveOut,
            h("label", { for: ui.leaveOut.id }, "Leave this person out of the gallery"))),
        h("div", { class: "fv-fm-row" }, ui.searchButton),
        ui.probeView, ui.candidates, ui.searchResult)));

    this.setThreshold(this.defaultThreshold);
    if (!hasWebGL()) {
      this.say(ui.status, "This browser offers no WebGL, so the network will run on the processor alone " +
        "(TensorFlow.js's cpu backend): about 2 seconds a face instead of under 1.");
    } else {
      this.say(ui.status, "The face model (8 MB) is fetched from this site the first time you choose a photo; " +
        "searching with an Olivetti face needs only the gallery.");
    }
    root.setAttribute("data-fv-ready", "1");
    root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.stream) this.stopCamera(true);
    });
    window.addEventListener("pagehide", () => this.stopCamera(false));
  }

  say(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  setThreshold(t) {
    this.threshold = t;
    const text = core.thresholdText(t);
    this.ui.slider.setAttribute("aria-valuetext", text);
    this.ui.sliderValue.textContent = `${core.formatScore(t)} (distance ${core.formatDistance(core.distanceFromScore(t))})`;
    this.showComparison();
    if (this.lastSearch) this.showCandidates(this.lastSearch);
  }

  read() {
    return {
      threshold: this.threshold,
      result: this.ui.result.textContent,
      search: this.ui.searchResult.textContent,
      candidates: Array.from(this.ui.candidates.querySelectorAll("li"), (li) => li.textContent),
      status: this.ui.status.textContent,
      A: this.ui.msgA.textContent,
      B: this.ui.msgB.textContent,
    };
  }

  // --------------------------------------------------------------- the model
  ensureModel() {
    if (!this.model) {
      this.model = this.loadModel().catch((err) => {
        this.model = null;
        this.ui.load.hidden = false;
        this.say(this.ui.status, `The face model could not be loaded (${err && err.message ? err.message : err}). ` +
          "Press the button to try again.");
        throw err;
      });
    }
    return this.model;
  }

  async loadModel() {
    const ui = this.ui;
    const t0 = performance.now();
    ui.load.hidden = true;
    ui.progress.hidden = false;
    ui.progress.replaceChildren();
    this.say(ui.status, "Loading the face model from this site…");
    const row = (label, total) => {
      const bar = h("progress", { max: total || 1, value: 0, "aria-label": label });
      const text = h("span", { class: "fv-fm-bytes" }, "waiting");
      ui.progress.append(h("li", {}, h("span", { class: "fv-fm-file-label" }, label), bar, text));
      return (done, all, final) => {
        bar.max = all || 1;
        bar.value = done;
        text.textContent = final ? `done, ${core.formatBytes(all)}` :
          all ? `${Math.floor((100 * done) / all)}% of ${core.formatBytes(all)}` : `${core.formatBytes(done)}`;
      };
    };
    const libRow = row(LIBRARY_LABEL, LIBRARY_BYTES);
    libRow(0, LIBRARY_BYTES);
    const library = import(FACE_API_URL.href).then((m) => {
      libRow(LIBRARY_BYTES, LIBRARY_BYTES, true);
      return m;
    });
    const files = MODELS.map((m) => ({ ...m, update: row(m.label, 0) }));
    const downloads = Promise.all(files.map((m) => this.fetchModel(m)));
    const [faceapi, weights] = await Promise.all([library, downloads]);
    const tf = faceapi.tf;
    // Choose the backend before any tensor exists (TensorFlow.js would otherwise
    // start its highest-priority one, wasm, whose binaries this site does not serve).
    // WebGL runs the network on the graphics chip; where the browser draws
    // WebGL in software (no usable chip), the cpu backend is faster.
    const gl = webglInfo();
    const want = this.backendChoice !== "auto" ? this.backendChoice : gl.available && !gl.software ? "webgl" : "cpu";
    let backend = "cpu";
    let note = "";
    if (want === "webgl" && gl.available) {
      try {
        if (await tf.setBackend("webgl")) backend = "webgl";
      } catch (e) {
        backend = "cpu";
      }
    }
    if (backend !== "webgl") {
      await tf.setBackend("cpu");
      note = !gl.available ?
        " This browser gives the page no WebGL, so the network runs on the processor alone: " +
        "slower, about 2 seconds a face." :
        gl.software && want === "cpu" ?
          " This browser draws WebGL in software (no graphics chip), so the network runs on the processor " +
          "directly, which is faster here: about 1 second a face." :
          " WebGL could not be started, so the network runs on the processor alone: slower.";
    }
    await tf.ready();
    files.forEach((m, i) => {
      const { buffer, specs } = weights[i];
      faceapi.nets[m.net].loadFromWeightMap(tf.io.decodeWeights(buffer, specs));
    });
    this.faceapi = faceapi;
    this.backend = backend;
    this.timings.modelLoad = performance.now() - t0;
    this.say(ui.status, `Face model loaded (TensorFlow.js ${tf.version_core || ""}, ${backend} backend).${note}`);
    return { faceapi, backend };
  }

  async fetchModel(m) {
    const manifestURL = new URL(`${m.name}-weights_manifest.json`, MODEL_URL);
    const response = await fetch(manifestURL, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${manifestURL.pathname}: HTTP ${response.status}`);
    const manifest = await response.json();
    const group = manifest[0];
    const binURL = new URL(group.paths[0], MODEL_URL);
    const expected = group.weights.reduce((sum, w) => {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const bytes = w.quantization ? (w.quantization.dtype === "uint16" || w.quantization.dtype === "float16" ? 2 : 1) : 4;
      return sum + n * bytes;
    }, 0);
    m.update(0, expected);
    const bin = await fetch(binURL, { credentials: "same-origin" });
    if (!bin.ok) throw new Error(`${binURL.pathname}: HTTP ${bin.status}`);
    let buffer;
    if (bin.body && bin.body.getReader) {
      const reader = bin.body.getReader();
      const chunks = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
        m.update(got, Math.max(expected, got));
      }
      const all = new Uint8Array(got);
      let off = 0;
      for (const c of chunks) {
        all.set(c, off);
        off += c.length;
      }
      buffer = all.buffer;
    } else {
      buffer = await bin.arrayBuffer();
    }
    m.update(buffer.byteLength, buffer.byteLength, true);
    return { buffer, specs: group.weights };
  }

  // ------------------------------------------------------------- photos
  async readFile(slot, file) {
    const token = ++this.tokens[slot];
    const msg = this.ui[`msg${slot}`];
    this.photos[slot] = null;
    this.ui[`faces${slot}`].replaceChildren();
    this.showComparison();
    this.updateProbeChoice();
    const name = file.name ? `“${file.name}”` : "This file";
    let head;
    try {
      head = core.sniffImage(new Uint8Array(await file.slice(0, 65536).arrayBuffer()));
    } catch (e) {
      head = { kind: null };
    }
    if (!head.kind && !(file.type || "").startsWith("image/")) {
      this.say(msg, `${name} is not an image: choose a photo (JPEG, PNG or WebP).`);
      return;
    }
    this.say(msg, `Reading ${name}…`);
    let bitmap;
    try {
      bitmap = await this.decode(file);
    } catch (e) {
      if (token !== this.tokens[slot]) return;
      this.say(msg, head.kind === "heic" ?
        `${name} is a HEIC photo, which this browser cannot open: choose a JPEG or PNG (most phones can share one).` :
        `${name} could not be read as an image (it may be damaged, or in a format this browser cannot open): ` +
        "choose a JPEG or PNG photo.");
      return;
    }
    if (token !== this.tokens[slot]) return;
    await this.process(slot, token, bitmap, bitmap.width, bitmap.height, head, name);
  }

  async decode(file) {
    if (window.createImageBitmap) {
      try {
        return await createImageBitmap(file, { imageOrientation: "from-image" });
      } catch (e) {
        // fall through to <img>, which some browsers decode more formats with
      }
    }
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  async process(slot, token, source, width, height, head, name) {
    const msg = this.ui[`msg${slot}`];
    const faces = this.ui[`faces${slot}`];
    if (!(width > 0 && height > 0)) {
      this.say(msg, `${name} has no pixels to look at: choose another photo.`);
      return;
    }
    if (Math.min(width, height) < MIN_SIDE) {
      this.say(msg, `${name} is only ${width} × ${height} pixels, too small to find a face in: ` +
        "choose a photo at least 100 pixels on each side.");
      return;
    }
    const fit = core.fitWithin(width, height, MAX_SIDE);
    const canvas = h("canvas", { width: fit.width, height: fit.height });
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(source, 0, 0, fit.width, fit.height);
    if (source.close) source.close();
    const notes = [];
    if (fit.scale < 1) notes.push(`It was downscaled from ${width} × ${height} to ${fit.width} × ${fit.height} pixels before the search for faces.`);
    if (head.colour === "cmyk") {
      notes.push("It is a CMYK (print) JPEG: the browser turned it into screen colours, which can shift skin tones a little.");
    } else if (head.colour === "grey" || this.isGrey(ctx, fit.width, fit.height)) {
      notes.push("It is in greyscale: the network was trained on colour photos, so scores may be a little lower, but it works.");
    }
    this.say(msg, `Looking for faces in ${name}…`);
    let model;
    try {
      model = await this.ensureModel();
    } catch (e) {
      if (token === this.tokens[slot]) this.say(msg, `${name} is waiting: the face model could not be loaded.`);
      return;
    }
    if (token !== this.tokens[slot]) return;
    const { faceapi } = model;
    let found = [];
    const t0 = performance.now();
    try {
      for (const inputSize of [416, 608, 224]) {
        const options = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 });
        found = await faceapi.detectAllFaces(canvas, options).withFaceLandmarks(true);
        if (found.length) break;
      }
    } catch (e) {
      if (token === this.tokens[slot]) this.say(msg, `The search for faces in ${name} failed (${e.message}): try another photo.`);
      return;
    }
    this.timings.detection.push(performance.now() - t0);
    if (token !== this.tokens[slot]) return;
    if (!found.length) {
      this.say(msg, (head.kind === "camera" ?
        `No face found in ${name}: face the camera in good light, close enough to fill a good part of the picture, and take it again.` :
        `No face found in ${name}: choose a photo in which one face, seen from the front, takes up a good part of the picture.`) +
        (notes.length ? " " + notes.join(" ") : ""));
      this.drawOverview(faces, canvas, [], -1, slot);
      return;
    }
    // Left to right, so "face 1, face 2" read as they appear.
    found.sort((a, b) => a.detection.box.x - b.detection.box.x);
    const detections = found.map((f) => {
      const points = core.fivePointsFrom68(f.landmarks.positions);
      const details = core.chipDetails(points, CHIP, PADDING);
      return { box: f.detection.box, score: f.detection.score, details, chip: this.chip(canvas, details) };
    });
    const chosen = core.largestBox(detections.map((d) => d.box));
    const photo = { name, canvas, detections, chosen, notes, descriptor: null };
    this.photos[slot] = photo;
    await this.choose(slot, chosen, token);
  }

  isGrey(ctx, w, hgt) {
    const data = ctx.getImageData(0, 0, w, hgt).data;
    const step = Math.max(4, Math.floor(data.length / 4 / 20000) * 4);
    for (let i = 0; i < data.length; i += step) {
      if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) return false;
    }
    return true;
  }

  /** The 150 x 150 face chip, aligned as dlib aligns it (eyes level, standard size). */
  chip(canvas, details) {
    const c = h("canvas", { width: CHIP, height: CHIP });
    const ctx = c.getContext("2d", { willReadFrequently: true });
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, CHIP, CHIP);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.setTransform(...core.canvasTransform(details));
    ctx.drawImage(canvas, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    return c;
  }

  async choose(slot, index, token) {
    const photo = this.photos[slot];
    if (!photo) return;
    const msg = this.ui[`msg${slot}`];
    photo.chosen = index;
    photo.descriptor = null;
    this.showComparison();
    this.drawFaces(slot);
    this.say(msg, `Describing face ${index + 1} of ${photo.name}…`);
    await nextFrame();
    const t0 = performance.now();
    let raw;
    try {
      raw = await this.model.then(({ faceapi }) => faceapi.computeFaceDescriptor(photo.detections[index].chip));
    } catch (e) {
      if (token === this.tokens[slot]) this.say(msg, `The network failed on ${photo.name} (${e.message}): try another photo.`);
      return;
    }
    this.timings.descriptor.push(performance.now() - t0);
    if (token !== this.tokens[slot] || photo.chosen !== index) return;
    photo.descriptor = core.unit(raw);
    const n = photo.detections.length;
    const largest = index === core.largestBox(photo.detections.map((d) => d.box));
    const which = n === 1 ? `Found one face in ${photo.name}` :
      `Found ${n} faces in ${photo.name}; using face ${index + 1}${largest ? ", the largest" : ""} (choose another below)`;
    this.say(msg, `${which}: aligned and described.` + (photo.notes.length ? " " + photo.notes.join(" ") : ""));
    this.showComparison();
    this.updateProbeChoice();
    if (this.ui.probePhoto.checked && slot === "A" && this.lastSearch) this.runSearch(false);
  }

  drawOverview(container, canvas, detections, chosen, slot) {
    const w = Math.min(300, canvas.width);
    const scale = w / canvas.width;
    const view = h("canvas", { width: w, height: Math.round(canvas.height * scale), class: "fv-fm-overview", role: "img" });
    const ctx = view.getContext("2d");
    ctx.drawImage(canvas, 0, 0, view.width, view.height);
    detections.forEach((d, i) => {
      const b = d.box;
      ctx.lineWidth = i === chosen ? 4 : 2;
      ctx.strokeStyle = "#000";
      ctx.strokeRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
      ctx.lineWidth = i === chosen ? 2 : 1;
      ctx.strokeStyle = "#F0E442";
      ctx.strokeRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
      ctx.font = "bold 14px sans-serif";
      ctx.fillStyle = "#000";
      ctx.fillRect(b.x * scale, Math.max(0, b.y * scale - 18), 18, 18);
      ctx.fillStyle = "#F0E442";
      ctx.fillText(String(i + 1), b.x * scale + 4, Math.max(14, b.y * scale - 4));
    });
    const n = detections.length;
    view.setAttribute("aria-label", n === 0 ? `Photo ${slot} as the page sees it: no face was found in it.` :
      `Photo ${slot} as the page sees it, with ${n === 1 ? "the face it found outlined" :
        `the ${n} faces it found outlined and numbered from left to right; face ${chosen + 1} is used`}.`);
    container.append(view);
  }

  drawFaces(slot) {
    const photo = this.photos[slot];
    const container = this.ui[`faces${slot}`];
    container.replaceChildren();
    this.drawOverview(container, photo.canvas, photo.detections, photo.chosen, slot);
    const n = photo.detections.length;
    const used = photo.detections[photo.chosen].chip;
    const shown = h("canvas", { width: CHIP, height: CHIP, class: "fv-fm-chip", role: "img",
      "aria-label": `Face ${photo.chosen + 1} of photo ${slot}, aligned as the network sees it: 150 by 150 pixels, eyes level.` });
    shown.getContext("2d").drawImage(used, 0, 0);
    container.append(h("figure", { class: "fv-fm-figure" }, shown,
      h("figcaption", {}, n === 1 ? "The face, aligned" : `Face ${photo.chosen + 1}, aligned`)));
    if (n > 1) {
      const group = h("div", { class: "fv-fm-which", role: "radiogroup", "aria-label": `Which face of photo ${slot} to use` });
      photo.detections.forEach((d, i) => {
        const rid = `${this.id}-face-${slot}-${i}`;
        const radio = h("input", { type: "radio", name: `${this.id}-face-${slot}`, id: rid, value: i, checked: i === photo.chosen });
        radio.addEventListener("change", () => {
          if (radio.checked) this.choose(slot, i, this.tokens[slot]);
        });
        const thumb = h("canvas", { width: 64, height: 64, class: "fv-fm-thumb", role: "img",
          "aria-label": `Face ${i + 1} of ${n} in photo ${slot}, aligned` });
        thumb.getContext("2d").drawImage(d.chip, 0, 0, 64, 64);
        group.append(h("span", { class: "fv-fm-choice" }, radio, h("label", { for: rid }, thumb, ` face ${i + 1}`)));
      });
      container.append(group);
    }
  }

  showComparison() {
    const a = this.photos.A, b = this.photos.B;
    if (!this.ui) return;
    if (a && b && a.descriptor && b.descriptor) {
      const r = core.compare(a.descriptor, b.descriptor, this.threshold);
      this.say(this.ui.result, core.comparisonSentence(r, this.threshold));
      this.ui.result.classList.toggle("fv-fm-match", r.match);
      performance.mark("fv-fm-result");
    } else {
      const missing = ["A", "B"].filter((s) => !(this.photos[s] && this.photos[s].descriptor));
      this.say(this.ui.result, missing.length === 2 ? "Choose two photos to compare them." :
        `Photo ${missing[0]} is still needed for a comparison.`);
      this.ui.result.classList.remove("fv-fm-match");
    }
  }

  // ------------------------------------------------------------- camera
  async startCamera() {
    const ui = this.ui;
    const msg = ui.msgA;
    if (this.stream) {
      ui.camera.querySelector("button").focus();
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.say(msg, "This browser gives web pages no camera here (some allow it only on https:// pages): " +
        "choose photos from your device instead.");
      return;
    }
    this.say(msg, "Asking your browser for the camera…");
    this.ensureModel().catch(() => {});
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" }, audio: false });
    } catch (e) {
      this.stream = null;
      const name = e && e.name;
      this.say(msg, name === "NotAllowedError" || name === "SecurityError" ?
        "The camera was not made available (permission was refused): you can still choose photos from your device." :
        name === "NotFoundError" || name === "OverconstrainedError" ?
          "No camera was found on this device: choose photos from your device instead." :
          name === "NotReadableError" ? "The camera is in use by another program: close it, or choose photos instead." :
            `The camera could not be started (${name || e}): choose photos from your device instead.`);
      return;
    }
    ui.video.srcObject = this.stream;
    ui.camera.hidden = false;
    try {
      await ui.video.play();
    } catch (e) {
      // autoplay of a muted stream is allowed; if not, the first capture still works
    }
    this.say(msg, "The camera is on (only on this page; nothing is recorded). Take photo A and photo B, " +
      "then turn it off.");
    ui.camera.querySelector("button").focus();
  }

  capture(slot) {
    const video = this.ui.video;
    if (!this.stream || !video.videoWidth) {
      this.say(this.ui[`msg${slot}`], "The camera has not shown a picture yet: wait a moment and try again.");
      return;
    }
    performance.mark("fv-fm-click");
    const c = h("canvas", { width: video.videoWidth, height: video.videoHeight });
    c.getContext("2d").drawImage(video, 0, 0);
    const token = ++this.tokens[slot];
    this.photos[slot] = null;
    this.ui[`faces${slot}`].replaceChildren();
    this.showComparison();
    this.process(slot, token, c, c.width, c.height, { kind: "camera" }, "the camera photo");
  }

  stopCamera(focus) {
    if (this.stream) {
      this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
    }
    if (this.ui) {
      this.ui.video.srcObject = null;
      this.ui.camera.hidden = true;
      if (focus) this.ui.cameraButton.focus();
    }
  }

  // ------------------------------------------------------------- gallery
  loadGallery() {
    if (!this.galleryPromise) {
      this.galleryPromise = (async () => {
        const response = await fetch(new URL("gallery.json", DATA_URL), { credentials: "same-origin" });
        if (!response.ok) throw new Error(`gallery.json: HTTP ${response.status}`);
        const gallery = core.decodeGallery(await response.json());
        const sprite = new Image();
        sprite.src = new URL(gallery.meta.sprite.src, DATA_URL).href;
        await sprite.decode();
        this.gallery = gallery;
        this.sprite = sprite;
        return gallery;
      })().catch((err) => {
        this.galleryPromise = null;
        throw err;
      });
    }
    return this.galleryPromise;
  }

  thumb(face, size, label) {
    const meta = this.gallery.meta.sprite;
    const c = h("canvas", { width: size, height: size, class: "fv-fm-thumb", role: "img", "aria-label": label });
    const ctx = c.getContext("2d");
    const col = face % meta.cols, row = Math.floor(face / meta.cols);
    ctx.drawImage(this.sprite, col * meta.tile, row * meta.tile, meta.tile, meta.tile, 0, 0, size, size);
    return c;
  }

  updateProbeChoice() {
    const ready = !!(this.photos.A && this.photos.A.descriptor);
    this.ui.probePhoto.disabled = !ready;
    if (!ready && this.ui.probePhoto.checked) this.ui.probeOlivetti.checked = true;
  }

  async runSearch(explicit) {
    const ui = this.ui;
    if (!this.gallery && !explicit && !this.galleryPromise) return;
    const usePhoto = ui.probePhoto.checked;
    this.say(ui.searchResult, "Fetching the gallery…");
    let gallery;
    try {
      gallery = await this.loadGallery();
    } catch (e) {
      this.say(ui.searchResult, `The gallery could not be fetched (${e.message}): try again.`);
      return;
    }
    let probe, probePerson = null, excludeRows = [], probeLabel, probeFace = null;
    if (usePhoto) {
      const a = this.photos.A;
      if (!a || !a.descriptor) {
        this.say(ui.searchResult, "Photo A has no face described yet: choose photo A first, or search with an Olivetti face.");
        return;
      }
      probe = a.descriptor;
      probeLabel = "photo A";
    } else {
      const v = ui.faceNumber.value.trim();
      const n = Number(v);
      if (v === "" || !Number.isInteger(n) || n < 0 || n >= gallery.n) {
        this.say(ui.searchResult, `Olivetti faces are numbered 0 to ${gallery.n - 1}: “${v}” is not one of them.`);
        ui.candidates.replaceChildren();
        ui.probeView.replaceChildren();
        this.lastSearch = null;
        return;
      }
      probe = core.galleryRow(gallery, n);
      probePerson = gallery.person[n];
      excludeRows = [n];
      probeFace = n;
      probeLabel = `Olivetti face ${n} (person ${probePerson}, photo ${(n % 10) + 1} of 10)`;
    }
    const leaveOut = ui.leaveOut.checked;
    const excludePerson = leaveOut && probePerson !== null ? probePerson : null;
    const candidates = core.search(gallery, probe, { k: TOP_K, excludeRows, excludePerson, threshold: this.threshold });
    ui.probeView.replaceChildren();
    if (probeFace !== null) {
      ui.probeView.append(h("figure", { class: "fv-fm-figure" },
        this.thumb(probeFace, 96, `The probe: ${probeLabel}.`), h("figcaption", {}, `Probe: face ${probeFace}, person ${probePerson}`)));
    } else if (this.photos.A) {
      const c = h("canvas", { width: 96, height: 96, class: "fv-fm-thumb", role: "img", "aria-label": "The probe: your photo A, aligned." });
      c.getContext("2d").drawImage(this.photos.A.detections[this.photos.A.chosen].chip, 0, 0, 96, 96);
      ui.probeView.append(h("figure", { class: "fv-fm-figure" }, c, h("figcaption", {}, "Probe: photo A")));
    }
    const size = gallery.n - excludeRows.length - (excludePerson !== null ? 9 : 0);
    this.lastSearch = { candidates, probePerson, leaveOut: excludePerson !== null, probeLabel, size, probe, excludeRows, excludePerson };
    this.showCandidates(this.lastSearch);
    performance.mark("fv-fm-result");
  }

  showCandidates(s) {
    const ui = this.ui;
    // Re-rank at the current threshold (the list does not change, its flags do).
    const candidates = s.candidates.map((c) => ({ ...c, match: core.isMatch(c.score, this.threshold) }));
    ui.candidates.replaceChildren(...candidates.map((c) => {
      const same = s.probePerson === null ? null : c.person === s.probePerson;
      const label = `Candidate ${c.rank}: person ${c.person}, face ${c.face}, score ${core.formatScore(c.score)}`;
      return h("li", { class: c.match ? "fv-fm-alert" : "" },
        this.thumb(c.face, 64, `${label}.`),
        h("span", { class: "fv-fm-cand" },
          h("span", { class: "fv-fm-cand-h" }, `${c.rank}. Person ${c.person}`),
          h("span", {}, ` face ${c.face}: score ${core.formatScore(c.score)}, distance ${core.formatDistance(c.distance)}`),
          h("span", { class: "fv-fm-flag" }, c.match ? " · match at this threshold" : " · below the threshold"),
          same === null ? null : h("span", { class: "fv-fm-truth" }, same ? " · the same person (a true match)" : " · someone else")));
    }));
    const gallerySize = `Searched ${s.size} faces of ${s.leaveOut ? 39 : 40} people with ${s.probeLabel}; ` +
      `each person is listed once, by their closest photo. `;
    this.say(ui.searchResult, gallerySize + core.searchSentence(candidates, this.threshold, s.probePerson, s.leaveOut));
  }

  // ------------------------------------------------------------- for tests and the benchmark
  async describeChipURL(url) {
    const { faceapi } = await this.ensureModel();
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = h("canvas", { width: CHIP, height: CHIP });
    c.getContext("2d").drawImage(img, 0, 0);
    const t0 = performance.now();
    const d = await faceapi.computeFaceDescriptor(c);
    this.timings.descriptor.push(performance.now() - t0);
    return Array.from(d);
  }
}

function start() {
  const roots = document.querySelectorAll("[data-fv-face-matcher]");
  const registry = (window.FaceValueExplorers = window.FaceValueExplorers || {});
  const matchers = (window.FaceValueMatcher = window.FaceValueMatcher || {});
  roots.forEach((root) => {
    if (root.getAttribute("data-fv-ready")) return;
    try {
      const m = new FaceMatcher(root);
      registry[m.id] = { read: () => m.read(), root, id: m.id, timings: m.timings };
      matchers[m.id] = m;
    } catch (e) {
      root.append(h("p", { class: "fv-fm-msg" }, `The face matcher could not start in this browser (${e.message}).`));
    }
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
