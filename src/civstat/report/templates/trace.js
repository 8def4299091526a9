/* How each figure was made: the page's traces (JSON block #civstat-traces, written by
   civstat/report/trace.py) shown in one popover on hover, focus (Tab) or click/tap (pins
   it; Esc or a click elsewhere closes it). Display only: every value is in the JSON. */
(function () {
  var src = document.getElementById('civstat-traces');
  var pop = document.getElementById('trace-pop');
  if (!src || !pop) return;
  var data = JSON.parse(src.textContent), T = data.traces || {}, R = data.returns || {};
  var cur = null, pinned = false;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function pair(dl, k, v) {
    if (v === undefined || v === null || v === '') return;
    dl.appendChild(el('dt', null, k));
    dl.appendChild(el('dd', null, v));
  }
  function returnsText(ids) {
    var out = [];
    (ids || []).forEach(function (id) {
      (R[id] || []).forEach(function (r) {
        var rows = r.rows && r.rows.length ? '第' + r.rows.join('、') + '行' : '';
        out.push([r.file, r.sheet || '', rows].filter(Boolean).join(' · '));
      });
    });
    return out;
  }
  function fill(id) {
    var t = T[id];
    pop.textContent = '';
    if (!t) return false;
    pop.appendChild(el('p', 'trace-title', t.title));
    pop.appendChild(el('p', 'trace-scope', t.scope));
    var dl = el('dl');
    pair(dl, '数值', t.value);
    pair(dl, '计算方法', t.formula);
    if (t.numerator) pair(dl, '分子：' + t.numerator.name, t.numerator.text);
    if (t.denominator) pair(dl, '分母：' + t.denominator.name, t.denominator.text);
    if (t.now) pair(dl, t.now.name, t.now.text);
    if (t.before) pair(dl, t.before.name, t.before.text);
    pair(dl, '覆盖', t.coverage);
    pair(dl, '数据来源', t.source);
    pop.appendChild(dl);
    if (t.townships && t.townships.length) {
      var kpi = t.townships.some(function (x) { return x.numerator != null; });
      var L = t.list || {title: '各乡镇（街道）', column: '乡镇（街道）'};
      var tb = el('table'), head = el('tr');
      [L.column, '数值'].concat(kpi ? ['分子', '分母'] : []).concat(['原始报表'])
        .forEach(function (h) { head.appendChild(el('th', null, h)); });
      tb.appendChild(head);
      t.townships.forEach(function (x) {
        var tr = el('tr');
        tr.appendChild(el('td', null, x.name));
        tr.appendChild(el('td', 'n', x.text));
        if (kpi) {
          tr.appendChild(el('td', 'n', x.numerator));
          tr.appendChild(el('td', 'n', x.denominator));
        }
        tr.appendChild(el('td', null, returnsText(x.returns).join('；')));
        tb.appendChild(tr);
      });
      pop.appendChild(el('p', 'trace-h', L.title));
      pop.appendChild(tb);
    }
    var own = returnsText(t.returns);
    if (own.length) {
      pop.appendChild(el('p', 'trace-h', '原始报表（文件 · 工作表 · 行）'));
      var ul = el('ul');
      own.forEach(function (s) { ul.appendChild(el('li', null, s)); });
      pop.appendChild(ul);
    }
    return true;
  }
  function show(fig) {
    if (cur && cur !== fig) cur.classList.remove('open');
    cur = fig;
    fill(fig.getAttribute('data-trace'));
    fig.classList.add('open');
    pop.hidden = false;
    var r = fig.getBoundingClientRect(), w = pop.offsetWidth;
    var left = Math.max(4, Math.min(r.left, document.documentElement.clientWidth - w - 4));
    pop.style.left = (left + window.scrollX) + 'px';
    pop.style.top = (r.bottom + window.scrollY + 4) + 'px';
  }
  function hide() {
    if (cur) cur.classList.remove('open');
    cur = null; pinned = false; pop.hidden = true;
  }
  function figOf(e) { return e.target.closest ? e.target.closest('.fig[data-trace]') : null; }
  document.addEventListener('mouseover', function (e) { var f = figOf(e); if (f && !pinned) show(f); });
  document.addEventListener('mouseout', function (e) {
    var f = figOf(e);
    if (f && !pinned && !(e.relatedTarget && pop.contains(e.relatedTarget))) hide();
  });
  document.addEventListener('focusin', function (e) { var f = figOf(e); if (f) show(f); });
  document.addEventListener('click', function (e) {
    var f = figOf(e);
    if (f) { if (pinned && cur === f) { hide(); } else { show(f); pinned = true; } }
    else if (!pop.contains(e.target)) hide();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') hide();
    else if ((e.key === 'Enter' || e.key === ' ') && figOf(e)) { e.preventDefault(); show(figOf(e)); pinned = true; }
  });
  window.civstatTrace = { fill: fill, show: show, hide: hide, popover: pop };
})();
