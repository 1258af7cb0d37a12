// The settings panel of `muchan serve` (SPEC §18): builds its form from the start settings in
// #serve-data, sends the form as TOML to /api/evaluate, and shows class counts, the transition
// matrix against the start settings, the movers and the surcharge before and after. Every
// field is named by its path (`groups.above.weight.tax_per_mu`, `zombie.class_d`); the URL may
// set fields (`?set=scoring.cap=1.5&set=…`) and evaluate at once (`&evaluate=1`). After an
// evaluation #whatif carries data-evaluated (how many so far), data-moved (movers) and
// data-transitions (the JSON of the transitions) for a browser test to read.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('serve-data').textContent);
  var EN = {
    title: 'What if', above: 'Above scale (规上)', below: 'Below scale (规下)', general: 'All enterprises',
    indicator: 'indicator', weight: 'weight', missing: 'missing', benchmark: 'benchmark', scope: 'scope',
    mode: 'class mode', cutoffs: 'class a / b / c', rates: 'surcharge a / b / c / d (yuan/kWh)',
    cap: 'score cap (scoring.cap)', cap_yuan: 'surcharge cap (yuan)', min_mu_below: 'min mu below scale',
    new_years: 'new for years', threshold: 'zombie threshold', zweight: 'zombie weight: ', class_d: 'zombies are class D',
    evaluate: 'Evaluate', save: 'Save settings (TOML)', download: 'Download outputs', working: 'Evaluating…',
    classes: 'Classes', start: 'start', now: 'now', matrix: 'Start (down) → now (across)', movers: 'enterprises change class',
    code: 'credit code', name: 'name', from: 'from', to: 'to', surcharge: 'Surcharge total (yuan)', failed: 'Not evaluated: ',
    hint: 'Change the settings and press Evaluate: the data are not read again.'
  };
  var ZH = {
    title: '模拟测算', above: '规上企业', below: '规下企业', general: '全部企业',
    indicator: '指标', weight: '权重', missing: '缺失值', benchmark: '基准值', scope: '范围',
    mode: '分类方式', cutoffs: '分类界限 a / b / c', rates: '差别化电价 a / b / c / d（元/千瓦时）',
    cap: '单项得分上限', cap_yuan: '加价上限（元）', min_mu_below: '规下最小用地（亩）',
    new_years: '新投产年数', threshold: '僵尸企业阈值', zweight: '僵尸规则权重：', class_d: '僵尸企业直接列为 D 类',
    evaluate: '测算', save: '保存设置（TOML）', download: '下载结果', working: '测算中…',
    classes: '类别', start: '原设置', now: '新设置', matrix: '原类别（行）→ 新类别（列）', movers: '家企业类别变化',
    code: '信用代码', name: '名称', from: '原类别', to: '新类别', surcharge: '加价合计（元）', failed: '未能测算：',
    hint: '修改设置后点击“测算”：数据不会重新读取。'
  };
  var W = D.lang === 'zh' ? ZH : EN;
  var CLASSES = ['A', 'B', 'C', 'D', 'T', 'N'];
  var RULES = ['dormant_power', 'persistent_losses', 'no_tax', 'insolvent', 'revenue_collapse'];
  var C = D.config;
  var root = document.getElementById('whatif');
  var evaluated = 0;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function number(name, value) {
    return el('input', { type: 'number', step: 'any', name: name, value: String(value) });
  }
  function choice(name, value, options) {
    var s = el('select', { name: name }, options.map(function (o) { return el('option', { value: o }, [o]); }));
    s.value = value;
    return s;
  }
  function row(label, inputs) {
    return el('label', { class: inputs.length > 3 ? 'row wide' : 'row' }, [el('span', {}, [label])].concat(inputs));
  }

  function groupFields(g) {
    var s = C.groups[g];
    var p = 'groups.' + g + '.';
    var rows = s.indicators.map(function (i) {
      var missing = i.missing || (i.name === 'va_per_emission' ? 'average' : 'zero');
      return el('tr', {}, [
        el('td', {}, [i.name]),
        el('td', {}, [number(p + 'weight.' + i.name, i.weight)]),
        el('td', {}, [choice(p + 'missing.' + i.name, missing, ['zero', 'average'])])
      ]);
    });
    var head = el('tr', {}, [el('th', {}, [W.indicator]), el('th', {}, [W.weight]), el('th', {}, [W.missing])]);
    return el('fieldset', {}, [
      el('legend', {}, [W[g]]),
      el('table', {}, [el('thead', {}, [head]), el('tbody', {}, rows)]),
      row(W.benchmark, [choice(p + 'benchmark', s.benchmark, ['aggregate', 'mean', 'median'])]),
      row(W.scope, [choice(p + 'scope', s.scope, ['group', 'industry'])]),
      row(W.mode, [choice(p + 'classes.mode', s.classes.mode, ['share', 'score'])]),
      row(W.cutoffs, ['a', 'b', 'c'].map(function (k) { return number(p + 'classes.' + k, s.classes[k]); })),
      row(W.rates, ['a', 'b', 'c', 'd'].map(function (k) { return number(p + 'surcharge.' + k, s.surcharge[k]); }))
    ]);
  }

  function generalFields() {
    var z = C.zombie;
    var classD = el('input', { type: 'checkbox', name: 'zombie.class_d' });
    classD.checked = !!z.class_d;
    return el('fieldset', {}, [
      el('legend', {}, [W.general]),
      row(W.cap, [number('scoring.cap', C.scoring.cap)]),
      row(W.cap_yuan, [number('surcharge.cap_yuan', C.surcharge.cap_yuan)]),
      row(W.min_mu_below, [number('evaluation.min_mu_below', C.evaluation.min_mu_below)]),
      row(W.new_years, [number('evaluation.new_years', C.evaluation.new_years)]),
      row(W.threshold, [number('zombie.threshold', z.threshold)])
    ].concat(RULES.map(function (r) {
      return row(W.zweight + r, [number('zombie.' + r + '.weight', z[r].weight)]);
    })).concat([row(W.class_d, [classD])]));
  }

  var form = el('form', { id: 'whatif-form' }, [groupFields('above'), groupFields('below'), generalFields()]);
  var evaluateButton = el('button', { type: 'submit', id: 'whatif-evaluate' }, [W.evaluate]);
  var saveButton = el('button', { type: 'button', id: 'whatif-save' }, [W.save]);
  var downloads = el('details', { id: 'whatif-downloads' }, [el('summary', {}, [W.download])]);
  var status = el('p', { class: 'status', id: 'whatif-status' }, [W.hint]);
  var results = el('div', { id: 'whatif-results' });
  form.appendChild(el('div', { class: 'actions' }, [evaluateButton, saveButton, downloads]));
  root.appendChild(el('h2', {}, [W.title]));
  root.appendChild(form);
  root.appendChild(status);
  root.appendChild(results);
  D.files.forEach(function (f) {
    downloads.appendChild(el('a', { href: '/api/outputs/' + f, download: f }, [f]));
  });

  function value(name) {
    var e = form.elements[name];
    if (e.type === 'checkbox') return e.checked ? 'true' : 'false';
    if (e.type === 'number') {
      var x = Number(e.value);
      if (e.value.trim() === '' || !isFinite(x)) throw new Error(name + ': ' + JSON.stringify(e.value));
      return String(x);
    }
    return JSON.stringify(e.value);
  }
  function inline(pairs) {
    return '{ ' + pairs.map(function (p) { return p[0] + ' = ' + p[1]; }).join(', ') + ' }';
  }
  // The form as TOML of SPEC §11 (laid over the start settings by the server).
  function toml() {
    var t = ['[evaluation]', 'min_mu_below = ' + value('evaluation.min_mu_below'),
      'new_years = ' + value('evaluation.new_years'), '', '[scoring]', 'cap = ' + value('scoring.cap'), '',
      '[surcharge]', 'cap_yuan = ' + value('surcharge.cap_yuan'), '', '[zombie]',
      'threshold = ' + value('zombie.threshold'), 'class_d = ' + value('zombie.class_d')];
    RULES.forEach(function (r) { t.push('', '[zombie.' + r + ']', 'weight = ' + value('zombie.' + r + '.weight')); });
    ['above', 'below'].forEach(function (g) {
      var p = 'groups.' + g + '.';
      var indicators = C.groups[g].indicators.map(function (i) {
        var pairs = [['name', JSON.stringify(i.name)], ['weight', value(p + 'weight.' + i.name)],
          ['missing', value(p + 'missing.' + i.name)]];
        if (i.benchmark !== undefined && i.benchmark !== null) pairs.push(['benchmark', String(i.benchmark)]);
        return '  ' + inline(pairs) + ',';
      });
      t.push('', '[groups.' + g + ']', 'benchmark = ' + value(p + 'benchmark'), 'scope = ' + value(p + 'scope'),
        'indicators = [', indicators.join('\n'), ']',
        'classes = ' + inline(['mode', 'a', 'b', 'c'].map(function (k) { return [k, value(p + 'classes.' + k)]; })),
        'surcharge = ' + inline(['a', 'b', 'c', 'd'].map(function (k) { return [k, value(p + 'surcharge.' + k)]; })));
    });
    return t.join('\n') + '\n';
  }

  function money(x) {
    return Number(x).toLocaleString(D.lang === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function cell(tag, text, attrs) { return el(tag, attrs || {}, [String(text)]); }

  function show(a) {
    evaluated += 1;
    results.textContent = '';
    var counts = el('table', { class: 'counts' }, [el('tr', {}, [cell('th', W.classes), cell('th', W.start), cell('th', W.now)])]
      .concat(CLASSES.map(function (c) {
        return el('tr', {}, [cell('th', c), cell('td', D.summary.counts[c] || 0), cell('td', a.counts[c] || 0, { id: 'count-' + c })]);
      })));
    var matrix = el('table', { class: 'matrix', id: 'whatif-matrix' }, [el('tr', {}, [cell('th', '')].concat(CLASSES.map(function (c) { return cell('th', c); })))]
      .concat(CLASSES.map(function (from) {
        return el('tr', {}, [cell('th', from)].concat(CLASSES.map(function (to) {
          var n = a.transitions[from + '->' + to] || 0;
          var cls = n && from !== to ? 'moved' : (n ? 'kept' : '');
          return cell('td', n, { id: 'm-' + from + '-' + to, class: cls });
        })));
      })));
    var shown = a.movers.slice(0, 200);
    var movers = el('table', { class: 'movers' }, [el('tr', {}, [W.code, W.name, W.from, W.to].map(function (h) { return cell('th', h); }))]
      .concat(shown.map(function (m) {
        var total = function (x) { return x === null || x === undefined ? '' : ' (' + Number(x).toFixed(2) + ')'; };
        return el('tr', {}, [cell('td', m.credit_code), cell('td', m.name || ''), cell('td', m.from + total(m.total_from)), cell('td', m.to + total(m.total_to))]);
      })));
    results.appendChild(el('div', { class: 'grid' }, [
      el('div', {}, [el('h3', {}, [W.classes]), counts]),
      el('div', {}, [el('h3', {}, [W.matrix]), matrix]),
      el('div', {}, [el('h3', {}, [W.surcharge]), el('p', { class: 'surcharge', id: 'whatif-surcharge' },
        [money(D.summary.surcharge_total) + ' → ' + money(a.surcharge_total)])])
    ]));
    results.appendChild(el('h3', {}, [a.movers.length + ' ' + W.movers]));
    results.appendChild(el('div', { class: 'scroll' }, [movers]));
    root.dataset.evaluated = String(evaluated);
    root.dataset.moved = String(a.movers.length);
    root.dataset.transitions = JSON.stringify(a.transitions);
    root.dataset.surcharge = String(a.surcharge_total);
  }

  function evaluate() {
    var body;
    try { body = toml(); } catch (e) { status.textContent = W.failed + e.message; return Promise.reject(e); }
    status.textContent = W.working;
    evaluateButton.disabled = true;
    return fetch('/api/evaluate', { method: 'POST', headers: { 'Content-Type': 'application/toml' }, body: body })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
      .then(function (r) {
        evaluateButton.disabled = false;
        if (!r.ok) {
          status.textContent = W.failed + r.json.error;
          root.dataset.error = r.json.error;
          throw new Error(r.json.error);
        }
        status.textContent = W.hint;
        delete root.dataset.error;
        show(r.json);
        return r.json;
      }, function (e) { evaluateButton.disabled = false; status.textContent = W.failed + e; throw e; });
  }

  form.addEventListener('submit', function (e) { e.preventDefault(); evaluate().catch(function () {}); });
  saveButton.addEventListener('click', function () {
    evaluate().then(function (a) {
      var link = el('a', { href: URL.createObjectURL(new Blob([a.config_toml], { type: 'application/toml' })), download: 'muchan.toml' });
      document.body.appendChild(link);
      link.click();
      link.remove();
    }).catch(function () {});
  });

  var params = new URLSearchParams(location.search);
  var unknown = [];
  params.getAll('set').forEach(function (s) {
    var at = s.indexOf('=');
    var e = at > 0 ? form.elements[s.slice(0, at)] : null;
    if (!e) { unknown.push(s); return; }
    if (e.type === 'checkbox') e.checked = s.slice(at + 1) === 'true'; else e.value = s.slice(at + 1);
  });
  if (unknown.length) root.dataset.unknown = unknown.join(' ');
  if (params.get('evaluate') === '1') evaluate().catch(function () {});
})();
