// The studio's page: the rule files in an editor, checked as they are typed.
// Every request carries the studio's token in the X-Studio-Token header.
(function () {
  'use strict';

  var token = document.querySelector('meta[name="studio-token"]').getAttribute('content');
  var CHECK_DELAY = 400; // milliseconds after the last keystroke

  var state = {
    pack: null,
    files: {},        // path -> {path, name, version, label, doc, saved, problems}
    order: [],        // paths in the order shown
    current: null,    // path of the file in the editor
    problems: [],     // the last check's problems
    titles: {},
    ok: null,
    timer: null,
    controller: null,
    saving: false,
    lastAnnounced: ''
  };

  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'class') e.className = attrs[k];
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  function api(method, url, body, signal) {
    var headers = { 'X-Studio-Token': token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, {
      method: method, headers: headers, signal: signal, cache: 'no-store', credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (data) {
        if (!res.ok) {
          var err = new Error((data && data.message) || ('The studio answered ' + res.status + ' ' + res.statusText + '. Reload the page.'));
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  function setStatus(text) {
    // A live region: screen readers read it out when it changes.
    if (text === state.lastAnnounced) return;
    state.lastAnnounced = text;
    $('status').textContent = text;
  }

  // ---- the editor ----------------------------------------------------

  var cm = null;

  function annotationsFor() {
    var f = state.files[state.current];
    if (!f) return [];
    return f.problems.filter(function (p) { return p.line > 0; }).map(function (p) {
      var from = position(f.doc, p.line, p.column);
      var to = position(f.doc, p.endLine || p.line, p.endColumn || p.column);
      if (to.line === from.line && to.ch <= from.ch) to = CodeMirror.Pos(from.line, from.ch + 1);
      return { from: from, to: to, severity: p.severity === 'warning' ? 'warning' : 'error', message: p.summary + '. ' + (p.detail || '') };
    });
  }

  // position turns a line and a column in characters (both from 1) into an
  // editor position (from 0, in UTF-16 code units).
  function position(doc, line, column) {
    var l = Math.max(0, Math.min(line - 1, doc.lineCount() - 1));
    var text = doc.getLine(l) || '';
    var chars = Array.from(text).slice(0, Math.max(0, (column || 1) - 1)).join('');
    return CodeMirror.Pos(l, chars.length);
  }

  function createEditor() {
    cm = CodeMirror($('editor'), {
      value: '',
      mode: 'yaml',
      lineNumbers: true,
      indentUnit: 2,
      tabSize: 2,
      indentWithTabs: false,
      smartIndent: true,
      lineWrapping: true,
      gutters: ['CodeMirror-lint-markers', 'CodeMirror-linenumbers'],
      lint: { getAnnotations: annotationsFor, lintOnChange: false, tooltips: true },
      extraKeys: {
        'Tab': false,
        'Shift-Tab': false,
        'Ctrl-S': function () { save(); },
        'Cmd-S': function () { save(); }
      },
      inputStyle: 'contenteditable',
      screenReaderLabel: 'Rule file'
    });
    cm.on('changes', function () {
      updateChanged();
      scheduleCheck();
    });
    cm.on('cursorActivity', showLineProblems);
    // A long line wraps under its own indentation, so that the shape of the
    // YAML stays readable.
    var charWidth = cm.defaultCharWidth(), basePadding = 4;
    cm.on('renderLine', function (editor, line, elt) {
      var off = CodeMirror.countColumn(line.text, null, editor.getOption('tabSize')) * charWidth;
      elt.style.textIndent = '-' + off + 'px';
      elt.style.paddingLeft = (basePadding + off) + 'px';
    });
    cm.refresh();
  }

  function openFile(path, line, column) {
    var f = state.files[path];
    if (!f) return;
    state.current = path;
    cm.swapDoc(f.doc);
    cm.setOption('screenReaderLabel', f.name + ', version ' + f.label);
    var label = cm.getInputField();
    if (label) label.setAttribute('aria-label', f.name + ', version ' + f.label);
    $('current-file').textContent = f.name + ' (version ' + f.label + ')';
    document.querySelectorAll('#file-list button').forEach(function (b) {
      if (b.getAttribute('data-path') === path) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    });
    cm.performLint();
    if (line) {
      var pos = position(f.doc, line, column || 1);
      cm.setCursor(pos);
      cm.scrollIntoView(pos, 80);
      cm.focus();
    }
    showLineProblems();
  }

  function showLineProblems() {
    var box = $('line-problems');
    var f = state.files[state.current];
    box.textContent = '';
    if (!f || !cm) return;
    var line = cm.getCursor().line + 1;
    var here = f.problems.filter(function (p) { return p.line === line; });
    here.forEach(function (p) {
      box.appendChild(el('p', { class: 'line-problem' }, [
        el('strong', { text: 'Line ' + line + ': ' + p.summary + '. ' }), p.detail || ''
      ]));
    });
  }

  // ---- files ---------------------------------------------------------

  function changedPaths() {
    return state.order.filter(function (p) { var f = state.files[p]; return f.doc.getValue() !== f.saved; });
  }

  function updateChanged() {
    var changed = changedPaths();
    document.querySelectorAll('#file-list button').forEach(function (b) {
      var f = state.files[b.getAttribute('data-path')];
      var mark = b.querySelector('.changed');
      var isChanged = f.doc.getValue() !== f.saved;
      mark.hidden = !isChanged;
    });
    $('save').disabled = changed.length === 0 || state.saving;
    $('save').textContent = changed.length ? 'Save ' + plural(changed.length, 'changed file', 'changed files') : 'Save';
    $('save-note').textContent = changed.length ? 'Not saved yet: ' + changed.map(function (p) { return state.files[p].label + ' ' + state.files[p].name; }).join(', ') + '.' : 'All changes are saved.';
  }

  function renderFileList() {
    var list = $('file-list');
    list.textContent = '';
    state.pack.versions.forEach(function (v) {
      var items = v.files.map(function (f) {
        var badge = el('span', { class: 'badge', 'data-badge': f.path, hidden: '' });
        var changed = el('span', { class: 'changed', hidden: '' }, ['not saved']);
        var button = el('button', { type: 'button', class: 'file', 'data-path': f.path, onclick: function () { openFile(f.path); } }, [
          el('span', { class: 'name', text: f.name }), changed, badge
        ]);
        return el('li', null, [button]);
      });
      var heading = el('h3', null, ['Version ' + v.label]);
      var group = el('div', { class: 'version' }, [heading]);
      if (v.title) group.appendChild(el('p', { class: 'version-title', text: v.title }));
      group.appendChild(el('ul', null, items));
      list.appendChild(group);
    });
  }

  function updateBadges() {
    document.querySelectorAll('#file-list [data-badge]').forEach(function (b) {
      var f = state.files[b.getAttribute('data-badge')];
      var n = f.problems.length;
      b.hidden = n === 0;
      b.textContent = n ? plural(n, 'problem', 'problems') : '';
    });
  }

  // ---- checking ------------------------------------------------------

  function draftFiles(paths) {
    var files = {};
    (paths || state.order).forEach(function (p) { files[p] = state.files[p].doc.getValue(); });
    return files;
  }

  function scheduleCheck() {
    // data-checking marks a check waiting or under way, for the tests.
    document.body.setAttribute('data-checking', 'true');
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { state.timer = null; check(); }, CHECK_DELAY);
  }

  function check() {
    if (state.controller) state.controller.abort();
    var controller = new AbortController();
    state.controller = controller;
    document.body.setAttribute('data-checking', 'true');
    return api('POST', '/api/check', { files: draftFiles() }, controller.signal).then(function (rep) {
      if (state.controller !== controller) return;
      state.controller = null;
      showReport(rep);
      if (!state.timer) document.body.removeAttribute('data-checking');
    }).catch(function (err) {
      if (err.name === 'AbortError') return;
      if (state.controller === controller) state.controller = null;
      if (!state.timer) document.body.removeAttribute('data-checking');
      setStatus('The rules could not be checked: ' + err.message);
    });
  }

  function showReport(rep) {
    state.ok = rep.ok;
    state.problems = rep.problems;
    state.titles = rep.titles || {};
    state.order.forEach(function (p) { state.files[p].problems = []; });
    rep.problems.forEach(function (p) { if (p.inPack && state.files[p.file]) state.files[p.file].problems.push(p); });
    if (cm) { cm.performLint(); showLineProblems(); }
    updateBadges();
    renderProblems(rep);
    renderScenarios(rep.scenarios);
    renderImpact(rep.impact);
    renderDocument(rep.document);
    var banner = $('banner');
    if (rep.ok) {
      banner.hidden = true;
      banner.textContent = '';
    } else {
      banner.hidden = false;
      banner.className = 'banner bad';
      banner.textContent = 'The rules have ' + plural(rep.problems.length, 'problem', 'problems') +
        '. They cannot be used until these are fixed. You can still save your work.';
    }
    document.body.setAttribute('data-checked', String(++checks));
    var parts = [rep.ok ? 'No problems' : plural(rep.problems.length, 'problem', 'problems')];
    if (rep.scenarios.state === 'ran') parts.push(rep.scenarios.passed + ' scenarios passed, ' + rep.scenarios.failed + ' failed');
    if (rep.impact.state === 'ran') parts.push(plural(rep.impact.changed, 'referral would change', 'referrals would change'));
    setStatus(parts.join('. ') + '.');
  }
  var checks = 0;

  function where(p) {
    var f = state.files[p.file];
    var name = f ? f.label + ' › ' + f.name : p.file;
    return p.line ? name + ', line ' + p.line : name;
  }

  function problemItem(p) {
    var head = p.inPack && p.line && state.files[p.file]
      ? el('button', { type: 'button', class: 'link goto', onclick: function () { openFile(p.file, p.line, p.column); } }, [where(p)])
      : el('span', { class: 'where', text: where(p) });
    return el('li', { class: 'problem ' + p.severity }, [
      head,
      el('p', { class: 'summary' }, [el('strong', { text: p.summary })]),
      p.detail ? el('p', { class: 'detail', text: p.detail }) : null
    ]);
  }

  function renderProblems(rep) {
    var panel = $('panel-problems');
    panel.textContent = '';
    $('count-problems').textContent = rep.problems.length ? '(' + rep.problems.length + ')' : '';
    if (rep.ok && rep.problems.length === 0) {
      panel.appendChild(el('p', { class: 'good', text: 'No problems: the rules can be used.' }));
      return;
    }
    panel.appendChild(el('p', { text: rep.ok
      ? 'The rules can be used, but check these warnings:'
      : 'Each problem says where it is and what to do. Choose a problem to go to its line.' }));
    panel.appendChild(el('ul', { class: 'problems' }, rep.problems.map(problemItem)));
  }

  function rule(id) {
    var t = state.titles[id];
    return t && t !== id ? t + ' (' + id + ')' : id;
  }

  function titleOf(id) { return state.titles[id] || id; }

  function ids(list) { return list && list.length ? list.map(rule).join(', ') : 'none'; }

  var fieldNames = {
    decision: 'Decision', failed: 'Rules not met or applying', unknown: 'Rules that could not be decided',
    missing: 'Answers still needed', programmes: 'Programmes offered', actions: 'Safety actions'
  };

  function renderScenarios(s) {
    var panel = $('panel-scenarios');
    panel.textContent = '';
    $('count-scenarios').textContent = s.state === 'ran' && s.failed ? '(' + s.failed + ' failed)' : '';
    if (s.state !== 'ran') {
      panel.appendChild(el('p', { text: s.message }));
      if (s.problems && s.problems.length) panel.appendChild(el('ul', { class: 'problems' }, s.problems.map(problemItem)));
      return;
    }
    panel.appendChild(el('p', { class: s.failed ? 'bad-text' : 'good', text: s.passed + ' passed, ' + s.failed + ' failed.' }));
    var failed = s.results.filter(function (r) { return !r.passed; });
    var passed = s.results.filter(function (r) { return r.passed; });
    if (failed.length) {
      panel.appendChild(el('h3', { text: 'Failed' }));
      panel.appendChild(el('ul', { class: 'scenarios failed' }, failed.map(function (r) {
        var details = (r.mismatches || []).map(function (m) {
          if (m.field === 'decision') return el('li', { text: 'Decision: expected ' + m.expected[0] + ', got ' + m.got[0] + '.' });
          // Name what differs; the whole lists only when they overlap.
          var parts = [];
          var overlap = m.got.some(function (x) { return m.expected.indexOf(x) >= 0; });
          if (!overlap) parts.push('expected ' + ids(m.expected) + ', got ' + ids(m.got));
          else {
            if (m.missing && m.missing.length) parts.push('missing ' + ids(m.missing));
            if (m.unexpected && m.unexpected.length) parts.push('not expected ' + ids(m.unexpected));
          }
          return el('li', { text: (fieldNames[m.field] || m.field) + ': ' + parts.join('; ') + '.' });
        });
        if (r.error) details.unshift(el('li', { text: 'Could not be assessed: ' + r.error }));
        if (r.invalid && r.invalid.length) details.push(el('li', { text: 'The referral is invalid; answers with problems: ' + r.invalid.join(', ') + '.' }));
        return el('li', { class: 'scenario' }, [
          el('strong', { text: r.name }), el('span', { class: 'where', text: ' ' + r.where }),
          el('ul', null, details)
        ]);
      })));
    }
    if (passed.length) {
      var d = el('details', null, [el('summary', { text: 'Passed (' + passed.length + ')' }),
        el('ul', { class: 'scenarios passed' }, passed.map(function (r) {
          return el('li', null, [r.name + ' ', el('span', { class: 'where', text: r.where })]);
        }))]);
      panel.appendChild(d);
    }
  }

  var decisionWords = { eligible: 'Eligible', ineligible: 'Ineligible', incomplete: 'Incomplete', invalid: 'Invalid' };

  function renderImpact(imp) {
    var panel = $('panel-impact');
    panel.textContent = '';
    $('count-impact').textContent = imp.state === 'ran' && imp.changed ? '(' + imp.changed + ')' : '';
    if (imp.state !== 'ran') {
      panel.appendChild(el('p', { text: imp.message }));
      return;
    }
    panel.appendChild(el('p', { text: 'Each referral is assessed under the rules as they were opened and under your changes. Of ' +
      plural(imp.total, 'referral', 'referrals') + ', ' + (imp.changed === 1 ? '1 would change.' : imp.changed + ' would change.') }));
    imp.transitions.forEach(function (t) {
      var title = t.from === t.to
        ? decisionWords[t.from] + ', with other programmes or safety actions'
        : decisionWords[t.from] + ' → ' + decisionWords[t.to];
      panel.appendChild(el('h3', { text: title + ': ' + plural(t.count, 'referral', 'referrals') }));
      panel.appendChild(el('ul', { class: 'moved' }, t.referrals.map(function (m) {
        var why = [];
        if (m.movedBy.length) {
          var rules = [];
          m.movedBy.forEach(function (r, i) {
            if (i) rules.push(', ');
            var label = r.title && r.title !== r.id ? r.title + ' (' + r.id + ')' : r.id;
            rules.push(r.file && state.files[r.file]
              ? el('button', { type: 'button', class: 'link rule', onclick: function () { openFile(r.file, r.line, 1); } }, [label])
              : el('span', { class: 'rule', text: label + (r.file ? '' : ', a rule your changes removed') }));
          });
          why.push(el('p', null, ['Moved by: '].concat(rules)));
        }
        var lists = [
          ['Programmes now offered', m.programmesAdded], ['Programmes no longer offered', m.programmesRemoved],
          ['Safety actions added', m.actionsAdded], ['Safety actions no longer needed', m.actionsRemoved]
        ];
        lists.forEach(function (l) { if (l[1] && l[1].length) why.push(el('p', { text: l[0] + ': ' + l[1].map(titleOf).join(', ') + '.' })); });
        return el('li', null, [el('strong', { class: 'referral-id', text: m.id })].concat(why));
      })));
    });
  }

  function renderDocument(html) {
    var panel = $('panel-document');
    if (!html) {
      panel.textContent = '';
      panel.appendChild(el('p', { text: 'The policy document is written once the rules have no problems.' }));
      return;
    }
    // Rendered by the studio from the rules, with any HTML in them left out.
    panel.innerHTML = html;
  }

  // ---- saving --------------------------------------------------------

  function save() {
    var paths = changedPaths();
    if (!paths.length || state.saving) return;
    state.saving = true;
    $('save').disabled = true;
    setStatus('Saving…');
    var texts = draftFiles(paths);
    api('POST', '/api/save', { files: texts }).then(function (rep) {
      paths.forEach(function (p) { state.files[p].saved = texts[p]; });
      state.saving = false;
      updateChanged();
      setStatus(rep.message);
    }).catch(function (err) {
      state.saving = false;
      updateChanged();
      setStatus(err.message);
    });
  }

  // ---- tabs ----------------------------------------------------------

  function setupTabs() {
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute('aria-selected', String(on));
        t.tabIndex = on ? 0 : -1;
        $(t.getAttribute('aria-controls')).hidden = !on;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener('click', function () { select(tab, false); });
      tab.addEventListener('keydown', function (e) {
        var next = null;
        if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
        else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
        else if (e.key === 'Home') next = tabs[0];
        else if (e.key === 'End') next = tabs[tabs.length - 1];
        if (next) { e.preventDefault(); select(next, true); }
      });
    });
  }

  // ---- start ---------------------------------------------------------

  function start() {
    setupTabs();
    createEditor();
    $('save').addEventListener('click', save);
    document.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); save(); }
    });
    window.addEventListener('beforeunload', function (e) {
      if (changedPaths().length) { e.preventDefault(); e.returnValue = ''; }
    });
    api('GET', '/api/pack').then(function (pack) {
      state.pack = pack;
      $('pack-name').textContent = pack.name;
      $('pack-dir').textContent = '(' + pack.dir + ')';
      pack.versions.forEach(function (v) {
        v.files.forEach(function (f) {
          state.files[f.path] = {
            path: f.path, name: f.name, label: v.label, saved: f.text, problems: [],
            doc: CodeMirror.Doc(f.text, 'yaml')
          };
          state.order.push(f.path);
        });
      });
      renderFileList();
      var first = state.order.filter(function (p) { return state.files[p].name === 'eligibility.yaml'; })[0] || state.order[0];
      if (first) openFile(first);
      updateChanged();
      return check();
    }).catch(function (err) {
      setStatus('The studio could not open the rules: ' + err.message);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
