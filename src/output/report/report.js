// The map of report.html: Canvas drawing with pan (drag), zoom (wheel, buttons), hover and
// click; park labels, numbered reclaim blocks, marked scattered plots, parcels of the firms to
// visit outlined, a scale bar; then the verdict for tests in the body's data-rendered,
// data-drawn and what was drawn where (data-labels, data-marks, data-block-labels, data-warned,
// data-extent, data-mpp). No network, no library.
(function () {
  'use strict';
  var body = document.body;
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var T = D.t;
  var parks = D.mode === 'parks';
  var canvas = document.getElementById('map');
  var wrap = canvas.parentNode;
  var info = document.getElementById('map-info');
  var scaleBar = document.getElementById('map-scale');
  var ctx = canvas.getContext('2d');
  var BG = '#f7f7f4', BLOCK = '#7b1fa2', MARK = '#111111', WARNED = '#e65100', LOW = '#e65100';
  // Room kept free of data around the map at "fit": zoom buttons left, north arrow right,
  // scale bar below (CSS pixels).
  var PAD = { l: 48, t: 12, r: 48, b: 40 };

  // ---- geometry --------------------------------------------------------------------------
  function decode(ring) {
    var out = new Array(ring.length), x = 0, y = 0;
    for (var i = 0; i < ring.length; i += 2) {
      x += ring[i]; y += ring[i + 1]; out[i] = x; out[i + 1] = y;
    }
    return out;
  }
  function feature(kind, row, rings, cls) {
    var rs = rings.map(decode), bb = [Infinity, Infinity, -Infinity, -Infinity];
    rs.forEach(function (r) {
      for (var i = 0; i < r.length; i += 2) {
        if (r[i] < bb[0]) bb[0] = r[i];
        if (r[i] > bb[2]) bb[2] = r[i];
        if (r[i + 1] < bb[1]) bb[1] = r[i + 1];
        if (r[i + 1] > bb[3]) bb[3] = r[i + 1];
      }
    });
    return { kind: kind, row: row, rings: rs, bb: bb, cls: cls };
  }
  function trace(path, f) {
    f.rings.forEach(function (r) {
      path.moveTo(r[0], r[1]);
      for (var i = 2; i < r.length; i += 2) path.lineTo(r[i], r[i + 1]);
      path.closePath();
    });
  }
  function inside(f, x, y) {
    if (x < f.bb[0] || x > f.bb[2] || y < f.bb[1] || y > f.bb[3]) return false;
    var c = false;
    f.rings.forEach(function (r) {
      for (var i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
        var yi = r[i + 1], yj = r[j + 1];
        if ((yi > y) !== (yj > y) && x < (r[j] - r[i]) * (y - yi) / (yj - yi) + r[i]) c = !c;
      }
    });
    return c;
  }
  // A uniform grid over the extent: each cell lists the features whose box touches it.
  function Index(feats) {
    var n = Math.max(1, Math.ceil(Math.sqrt(feats.length / 2)));
    var cw = Math.max(D.w, 1) / n, ch = Math.max(D.h, 1) / n, cells = [];
    function at(v, size) { return Math.max(0, Math.min(n - 1, Math.floor(v / size))); }
    feats.forEach(function (f, k) {
      if (!f.rings.length) return;
      for (var i = at(f.bb[0], cw); i <= at(f.bb[2], cw); i++) {
        for (var j = at(f.bb[1], ch); j <= at(f.bb[3], ch); j++) (cells[j * n + i] = cells[j * n + i] || []).push(k);
      }
    });
    this.find = function (x, y) {
      var list = cells[at(y, ch) * n + at(x, cw)] || [];
      for (var m = list.length - 1; m >= 0; m--) if (inside(feats[list[m]], x, y)) return feats[list[m]];
      return null;
    };
  }

  var main = parks
    ? D.hulls.map(function (h) { return feature('park', h, [h[4]], h[3]); })
    : D.parcels.map(function (p) { return feature('parcel', p, p[7], p[2]); });
  // Scattered plots: their outlines (parcels mode) and a point each for the symbol; the
  // parcels of firms with an early warning (parcels mode) and the 低效 parcels, outlined.
  var scatteredPath = new Path2D(), markPoints = [], warnedPath = new Path2D(), warned = 0, lowPath = new Path2D();
  if (parks) {
    markPoints = D.marks;
  } else {
    main.forEach(function (f) {
      if (!f.rings.length) return;
      if (f.row[10]) trace(lowPath, f);
      if (f.row[9] >= 0) { trace(warnedPath, f); warned++; }
      if (!f.row[8]) return;
      trace(scatteredPath, f);
      markPoints.push([(f.bb[0] + f.bb[2]) / 2, (f.bb[1] + f.bb[3]) / 2]);
    });
  }
  // Where each park is named: the centre of its parcels' (or hull's) bounding box.
  var parkBoxes = [];
  main.forEach(function (f) {
    var k = parks ? f.row[0] : f.row[3];
    if (k < 0 || !f.rings.length) return;
    var b = parkBoxes[k] || (parkBoxes[k] = [Infinity, Infinity, -Infinity, -Infinity]);
    b[0] = Math.min(b[0], f.bb[0]); b[1] = Math.min(b[1], f.bb[1]);
    b[2] = Math.max(b[2], f.bb[2]); b[3] = Math.max(b[3], f.bb[3]);
  });
  var blocks = D.blocks.map(function (b) { return feature('block', b, b[6], -1); });
  var blockById = {};
  D.blocks.forEach(function (b) { blockById[b[0]] = b; });
  var byClass = D.classes.map(function () { return new Path2D(); });
  var unclassed = new Path2D(), outlines = new Path2D(), blockPath = new Path2D();
  var typical = 0, shapes = 0;
  main.forEach(function (f) {
    if (!f.rings.length) return;
    trace(f.cls >= 0 ? byClass[f.cls] : unclassed, f);
    trace(outlines, f);
    typical += Math.sqrt(Math.max(1, (f.bb[2] - f.bb[0]) * (f.bb[3] - f.bb[1])));
    shapes++;
  });
  typical = shapes ? typical / shapes : 1;
  blocks.forEach(function (f) { trace(blockPath, f); });
  var mainIndex = new Index(main), blockIndex = new Index(blocks);

  // ---- view ------------------------------------------------------------------------------
  var view = { s: 1, x: 0, y: 0 }, fitScale = 1, dpr = 1, W = 0, H = 0;
  var hover = null, pinned = null, pending = false;
  function resize() {
    dpr = window.devicePixelRatio || 1;
    W = canvas.clientWidth || wrap.clientWidth; H = canvas.clientHeight || wrap.clientHeight;
    canvas.width = Math.max(1, Math.round(W * dpr)); canvas.height = Math.max(1, Math.round(H * dpr));
  }
  function fit() {
    var w = Math.max(1, W - PAD.l - PAD.r), h = Math.max(1, H - PAD.t - PAD.b);
    fitScale = Math.min(w / Math.max(D.w, 1), h / Math.max(D.h, 1));
    view.s = fitScale;
    view.x = PAD.l + (w - fitScale * D.w) / 2;
    view.y = PAD.t + (h + fitScale * D.h) / 2;
  }
  function draw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = BG; ctx.fillRect(0, 0, canvas.width, canvas.height);
    var s = view.s * dpr;
    ctx.setTransform(s, 0, 0, -s, view.x * dpr, view.y * dpr);
    ctx.globalAlpha = parks ? 0.55 : 1;
    D.classes.forEach(function (c, i) { ctx.fillStyle = c[2]; ctx.fill(byClass[i], 'evenodd'); });
    ctx.fillStyle = D.none_color; ctx.fill(unclassed, 'evenodd');
    ctx.globalAlpha = 1;
    if (parks || view.s * typical > 5) {
      ctx.strokeStyle = parks ? '#555' : 'rgba(255,255,255,0.85)';
      ctx.lineWidth = (parks ? 1.2 : 0.8) / view.s; ctx.stroke(outlines);
    }
    ctx.fillStyle = 'rgba(123,31,162,0.16)'; ctx.fill(blockPath, 'evenodd');
    ctx.strokeStyle = BLOCK; ctx.lineWidth = 2 / view.s; ctx.stroke(blockPath);
    ctx.strokeStyle = WARNED; ctx.lineWidth = 2.5 / view.s; ctx.stroke(warnedPath);
    ctx.setLineDash([1.5 / view.s, 2 / view.s]);
    ctx.strokeStyle = LOW; ctx.lineWidth = 2 / view.s; ctx.stroke(lowPath);
    ctx.setLineDash([4 / view.s, 3 / view.s]);
    ctx.strokeStyle = MARK; ctx.lineWidth = 1.5 / view.s; ctx.stroke(scatteredPath);
    ctx.setLineDash([]);
    var h = pinned || hover;
    if (h) {
      var p = new Path2D(); trace(p, h);
      ctx.fillStyle = 'rgba(0,0,0,0.18)'; ctx.fill(p, 'evenodd');
      ctx.strokeStyle = '#000'; ctx.lineWidth = 2.5 / view.s; ctx.stroke(p);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawn.marks = marks();
    var taken = [];
    drawn.labels = parkLabels(taken);
    drawn.blockLabels = blockLabels(taken);
    updateScale();
  }
  var drawn = { marks: 0, labels: 0, blockLabels: 0 };
  function screen(x, y) { return [view.x + view.s * x, view.y - view.s * y]; }
  function visible(p) { return p[0] >= 0 && p[1] >= 0 && p[0] <= W && p[1] <= H; }
  // A diamond on each scattered plot, so that it shows at any zoom.
  function marks() {
    var n = 0;
    ctx.fillStyle = MARK; ctx.strokeStyle = '#ffffff'; ctx.lineWidth = 1.5;
    markPoints.forEach(function (m) {
      var p = screen(m[0], m[1]);
      if (!visible(p)) return;
      ctx.beginPath();
      ctx.moveTo(p[0], p[1] - 5); ctx.lineTo(p[0] + 4, p[1]); ctx.lineTo(p[0], p[1] + 5); ctx.lineTo(p[0] - 4, p[1]);
      ctx.closePath(); ctx.stroke(); ctx.fill();
      n++;
    });
    return n;
  }
  // A text with a white halo at (x, y) unless it would overlap a text already placed.
  function label(text, x, y, font, color, taken) {
    ctx.font = font;
    var w = ctx.measureText(text).width + 6, h = 16, r = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
    if (r[0] < 0 || r[1] < 0 || r[2] > W || r[3] > H) return false;
    for (var i = 0; i < taken.length; i++) {
      var o = taken[i];
      if (r[0] < o[2] && o[0] < r[2] && r[1] < o[3] && o[1] < r[3]) return false;
    }
    taken.push(r);
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    ctx.lineWidth = 3.5; ctx.strokeStyle = 'rgba(255,255,255,0.92)'; ctx.strokeText(text, x, y);
    ctx.fillStyle = color; ctx.fillText(text, x, y);
    return true;
  }
  function parkLabels(taken) {
    var n = 0;
    parkBoxes.forEach(function (b, k) {
      if (!b) return;
      var p = screen((b[0] + b[2]) / 2, (b[1] + b[3]) / 2);
      if (label(D.parks[k], p[0], p[1], '600 13px system-ui, sans-serif', '#1d1d1d', taken)) n++;
    });
    return n;
  }
  // Blocks are in order of gain: the ten best get their number at any zoom, the others once
  // they are drawn at least 24 px wide.
  function blockLabels(taken) {
    var n = 0;
    blocks.forEach(function (f, k) {
      if (!f.rings.length || (k >= 10 && (f.bb[2] - f.bb[0]) * view.s < 24)) return;
      var p = screen((f.bb[0] + f.bb[2]) / 2, (f.bb[1] + f.bb[3]) / 2);
      if (label('#' + f.row[0], p[0], p[1], '700 11px system-ui, sans-serif', BLOCK, taken)) n++;
    });
    return n;
  }
  // The scale bar: a round length (1, 2 or 5 × 10^k m) about 60–120 px long.
  function updateScale() {
    var mpp = 0.1 / view.s, want = mpp * 120, unit = Math.pow(10, Math.floor(Math.log10(want)));
    var len = [5, 2, 1].map(function (k) { return k * unit; }).filter(function (l) { return l <= want; })[0] || unit;
    scaleBar.firstChild.style.width = (len / mpp).toFixed(1) + 'px';
    scaleBar.lastChild.textContent = len >= 1000 ? (len / 1000) + ' ' + T.kilometres : len + ' ' + T.metres;
    scaleBar.dataset.metres = String(len);
  }
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }
  function zoomAt(k, sx, sy) {
    var s = Math.max(fitScale / 4, Math.min(fitScale * 5000, view.s * k));
    k = s / view.s;
    view.x = sx - (sx - view.x) * k; view.y = sy - (sy - view.y) * k; view.s = s;
    redraw();
  }

  // ---- hover and click -------------------------------------------------------------------
  function local(e) {
    var r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }
  function pick(e) {
    var p = local(e), x = (p[0] - view.x) / view.s, y = (view.y - p[1]) / view.s;
    if (parks) return blockIndex.find(x, y) || mainIndex.find(x, y);
    return mainIndex.find(x, y) || blockIndex.find(x, y);
  }
  function fmt(v, d) {
    return v === null || v === undefined ? '' : Number(v).toLocaleString(undefined, { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function className(i) { return i >= 0 ? D.classes[i][1] : T.no_class; }
  function rows(f) {
    var r = f.row;
    if (f.kind === 'parcel') {
      var u = r[1] >= 0 ? D.users[r[1]] : [null, null], b = r[5] >= 0 ? blockById[r[5]] : null;
      return [[T.parcel, r[0]], [T.user, u[0]], [T.name, u[1]], [T.class, className(r[2])],
        [T.park, r[3] >= 0 ? D.parks[r[3]] : null], [T.area, fmt(r[4], 2)],
        [T.block, r[5] >= 0 ? '#' + r[5] + (b ? ' · ' + T.gain + ' ' + fmt(b[4], 2) : '') : null],
        [T.reasons, r[6] >= 0 ? D.reasons[r[6]] : null], [T.alert, r[9] >= 0 ? D.warnings[r[9]] : null]];
    }
    if (f.kind === 'block') {
      return [[T.block, '#' + r[0]], [T.area, fmt(r[1], 2)], [T.current, fmt(r[2], 2)],
        [T.potential, fmt(r[3], 2)], [T.gain, fmt(r[4], 2)], [T.users, r[5]]];
    }
    var counts = r[5].map(function (n, i) { return n ? (i < D.classes.length ? D.classes[i][0] : '–') + ' ' + n : ''; });
    return [[T.park, D.parks[r[0]]], [T.n_parcels, fmt(r[1], 0)], [T.area, fmt(r[2], 2)],
      [T.main_class, className(r[3])], [T.per_class, counts.filter(String).join(' · ')]];
  }
  function show(f) {
    info.textContent = '';
    if (!f) return;
    rows(f).forEach(function (kv) {
      if (kv[1] === null || kv[1] === undefined || kv[1] === '') return;
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = kv[0]; dd.textContent = kv[1];
      info.appendChild(dt); info.appendChild(dd);
    });
  }
  var drag = null;
  canvas.addEventListener('pointerdown', function (e) {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', function (e) {
    if (drag) {
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; canvas.classList.add('dragging'); }
      if (drag.moved) { view.x = drag.vx + dx; view.y = drag.vy + dy; redraw(); }
      return;
    }
    var f = pick(e);
    if (f !== hover) { hover = f; if (!pinned) show(f); redraw(); }
  });
  canvas.addEventListener('pointerup', function (e) {
    if (drag && !drag.moved) { pinned = pick(e); show(pinned || hover); redraw(); }
    drag = null; canvas.classList.remove('dragging');
  });
  canvas.addEventListener('pointerleave', function () {
    if (!drag && hover) { hover = null; if (!pinned) show(null); redraw(); }
  });
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var p = local(e);
    zoomAt(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0015)), p[0], p[1]);
  }, { passive: false });
  Array.prototype.forEach.call(document.querySelectorAll('[data-zoom]'), function (b) {
    b.addEventListener('click', function () {
      var z = b.getAttribute('data-zoom');
      if (z === 'fit') { fit(); redraw(); } else zoomAt(z === 'in' ? 1.6 : 1 / 1.6, W / 2, H / 2);
    });
  });
  window.addEventListener('resize', function () {
    var k = view.s / fitScale, cx = (W / 2 - view.x) / view.s, cy = (view.y - H / 2) / view.s;
    resize(); fit();
    view.s = fitScale * k; view.x = W / 2 - cx * view.s; view.y = H / 2 + cy * view.s;
    redraw();
  });
  // Printed, the map is drawn whole at the printed size.
  function refit() { resize(); fit(); draw(); }
  window.addEventListener('beforeprint', refit);
  window.addEventListener('afterprint', refit);

  // ---- first draw and verdict --------------------------------------------------------------
  resize(); fit(); draw(); show(null);
  function painted() {
    if (!shapes) return true;
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height).data, n = 0;
    for (var i = 0; i < img.length; i += 4 * 97) if (img[i] !== 0xf7 || img[i + 1] !== 0xf7 || img[i + 2] !== 0xf4) n++;
    return n > 0;
  }
  function chartsOk() {
    var hists = document.querySelectorAll('#scores svg.hist');
    var bars = document.querySelectorAll('#park-classes .bar-row');
    var ok = hists.length === D.nhist && bars.length === D.nbars;
    Array.prototype.forEach.call(hists, function (s) { if (!(s.getBoundingClientRect().width > 0)) ok = false; });
    return ok;
  }
  // Hit-testing and the info panel on a sample of shapes: a point found inside a shape must
  // be picked (by it or by a shape drawn over it), and its details must format.
  function picks(feats, index) {
    var ok = true, step = Math.max(1, Math.floor(feats.length / 40));
    for (var k = 0; k < feats.length; k += step) {
      var f = feats[k], x = (f.bb[0] + f.bb[2]) / 2, y = (f.bb[1] + f.bb[3]) / 2;
      if (!f.rings.length || !inside(f, x, y)) continue;
      if (!index.find(x, y)) ok = false;
      show(f);
    }
    show(null);
    return ok;
  }
  var verdict = [];
  if (picks(main, mainIndex) && picks(blocks, blockIndex)) verdict.push('pick');
  if (painted()) verdict.push('map');
  if (chartsOk()) verdict.push('charts');
  body.dataset.drawn = String(shapes);
  body.dataset.blocks = String(blocks.length);
  body.dataset.labels = String(drawn.labels);
  body.dataset.parks = String(parkBoxes.filter(Boolean).length);
  body.dataset.marks = String(drawn.marks);
  body.dataset.scattered = String(markPoints.length);
  body.dataset.warned = String(warned);
  body.dataset.blockLabels = String(drawn.blockLabels);
  body.dataset.extent = [view.x, view.y - view.s * D.h, view.x + view.s * D.w, view.y].map(function (v) {
    return v.toFixed(1);
  }).join(' ');
  body.dataset.mpp = String(0.1 / view.s);
  body.dataset.rendered = verdict.join(' ');
})();
