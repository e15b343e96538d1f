// The referral form. The page is built from /refer/form.json, the
// referral's one description: every question, its help, its allowed
// answers, the form that asks it and when it is asked. Answers are checked
// by the service itself (validate as they are typed, assess on Check): this
// script holds no rule of its own. docs/service.md describes the page.
(function () {
  "use strict";

  var TOKEN_KEY = "pathway-referral-token";
  var DEBOUNCE = 400;

  var desc = null;       // the form description
  var byPath = {};       // template path -> field
  var kidsOf = {};       // template path of a group or list ("" for the top) -> its fields
  var formField = null;  // the question that chooses the form
  var values = {};       // concrete path -> the control's value as a string
  var counts = {};       // concrete path of a list -> its number of items
  var lists = {};        // concrete path of a list -> its items, add button and note
  var targets = {};      // concrete path -> {box, error, controls, question}
  var touched = {};      // concrete path -> true once answered or left
  var showAll = false;   // every problem is shown once the referral was checked
  var problems = [];     // the problems of the last check
  var shown = {};        // problem keys shown, for announcing new ones
  var token = "";
  var timer = null;
  var seq = 0;
  var pending = 0;
  var checked = null;    // the referral as last checked with a decision, as JSON

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { e.textContent = v; } else { e.setAttribute(k, v === true ? "" : v); }
      });
    }
    (kids || []).forEach(function (k) { if (k) { e.appendChild(typeof k === "string" ? document.createTextNode(k) : k); } });
    return e;
  }

  function idOf(path) { return "f-" + path.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, ""); }

  function capital(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : s; }

  // parentOf is the template path of the group or list a field belongs to.
  function parentOf(f) {
    var p = f.path.slice(0, f.path.length - f.name.length).replace(/\.$/, "");
    return p.replace(/\[\]$/, "");
  }

  function setBusy() {
    if (pending > 0 || timer) { document.body.setAttribute("data-busy", ""); } else { document.body.removeAttribute("data-busy"); }
  }

  function announce(text) {
    var live = $("live");
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  // ---- Building the page from the description ----

  function start() {
    fetch("/refer/form.json", {cache: "no-store", credentials: "omit"}).then(function (r) {
      if (!r.ok) { throw new Error("status " + r.status); }
      return r.json();
    }).then(ready, function () {
      $("loading").textContent = "The form could not be loaded. Reload the page to try again.";
      $("loading").className = "banner bad";
    });
  }

  function ready(d) {
    desc = d;
    d.fields.forEach(function (f) {
      byPath[f.path] = f;
      var parent = parentOf(f);
      (kidsOf[parent] = kidsOf[parent] || []).push(f);
      if (!formField && parent === "" && f.kind === "choice" && f.enum === "form") { formField = f; }
    });
    build();
    $("loading").hidden = true;
    document.body.setAttribute("data-ready", "");
  }

  function build() {
    if (desc.token) {
      $("token-section").hidden = false;
      try { token = window.sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { token = ""; }
      showTokenState();
      $("token-use").addEventListener("click", useToken);
      $("token").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); useToken(); } });
      $("token-forget").addEventListener("click", forgetToken);
    }
    var chooser = $("chooser");
    chooser.appendChild(renderChoice(formField, "", true));
    var questions = $("questions");
    var run = null;
    kidsOf[""].forEach(function (f) {
      if (f === formField) { return; }
      if (f.kind === "group" || f.kind === "list") {
        run = null;
        questions.appendChild(renderField(f, "", 2));
        return;
      }
      if (!run) { run = el("div", {"class": "panel"}); questions.appendChild(run); }
      run.appendChild(renderField(f, "", 2));
    });
    $("referral").hidden = false;
    $("referral").addEventListener("input", onInput);
    $("referral").addEventListener("change", onChange);
    $("referral").addEventListener("submit", function (e) { e.preventDefault(); });
    $("check").addEventListener("click", check);
    if (desc.send) {
      $("send").hidden = false;
      $("send-note").hidden = false;
      $("send").addEventListener("click", send);
    }
    update();
  }

  // register remembers where a path's problems are shown.
  function register(path, box, error, controls, f) {
    targets[path] = {box: box, error: error, controls: controls, field: f};
  }

  function hintAndError(id, f, described) {
    var parts = [];
    if (f.help) { parts.push(el("p", {"class": "hint", id: id + "-hint", text: f.help})); described.push(id + "-hint"); }
    parts.push(el("p", {"class": "error", id: id + "-error", hidden: true}));
    described.push(id + "-error");
    return parts;
  }

  function renderField(f, prefix, level) {
    if (f.kind === "group") { return renderGroup(f, prefix, level); }
    if (f.kind === "list") { return renderList(f, prefix, level); }
    if (f.kind === "yes-no") { return renderYesNo(f, prefix); }
    if (f.kind === "choice") { return renderChoice(f, prefix, false); }
    return renderInput(f, prefix);
  }

  function conditions(box, f, prefix) {
    box.setAttribute("data-field", f.path);
    box.setAttribute("data-prefix", prefix);
  }

  function legendOf(text, level) {
    if (level <= 3) { return el("legend", null, [el("h" + level, {text: text})]); }
    return el("legend", {text: text});
  }

  function renderGroup(f, prefix, level) {
    var path = prefix + f.name;
    var id = idOf(path);
    var described = [];
    var box = el("fieldset", {"class": "group", id: id});
    conditions(box, f, prefix);
    box.appendChild(legendOf(f.question, level));
    hintAndError(id, f, described).forEach(function (p) { box.appendChild(p); });
    box.setAttribute("aria-describedby", described.join(" "));
    register(path, box, box.querySelector("#" + id + "-error"), [], f);
    (kidsOf[f.path] || []).forEach(function (k) { box.appendChild(renderField(k, path + ".", level + 1)); });
    return box;
  }

  function renderList(f, prefix, level) {
    var path = prefix + f.name;
    var id = idOf(path);
    var described = [];
    var box = el("fieldset", {"class": "group list", id: id});
    conditions(box, f, prefix);
    box.appendChild(legendOf(f.question, level));
    hintAndError(id, f, described).forEach(function (p) { box.appendChild(p); });
    box.setAttribute("aria-describedby", described.join(" "));
    register(path, box, box.querySelector("#" + id + "-error"), [], f);
    if (counts[path] === undefined) { counts[path] = f.required ? 1 : 0; }
    var items = el("div", {"class": "items", id: id + "-items"});
    box.appendChild(items);
    var add = el("button", {type: "button", "class": "secondary add", id: id + "-add"});
    var note = el("p", {"class": "note", id: id + "-note"});
    add.setAttribute("aria-describedby", id + "-note");
    add.addEventListener("click", function () { addItem(f, prefix, level); });
    box.appendChild(el("div", {"class": "buttons"}, [add]));
    box.appendChild(note);
    lists[path] = {items: items, add: add, note: note};
    fillList(f, prefix, level);
    return box;
  }

  // fillList (re)builds a list's items from the answers kept for them.
  function fillList(f, prefix, level) {
    var path = prefix + f.name;
    var items = lists[path].items;
    Object.keys(targets).forEach(function (p) { if (p.indexOf(path + "[") === 0) { delete targets[p]; } });
    items.textContent = "";
    var n = counts[path];
    for (var i = 0; i < n; i++) { items.appendChild(renderItem(f, prefix, level, i)); }
    var add = lists[path].add;
    add.textContent = (n === 0 ? (/^[aeiou]/i.test(f.item) ? "Add an " : "Add a ") : "Add another ") + f.item;
    var full = f.max > 0 && n >= f.max;
    add.disabled = full;
    lists[path].note.textContent = full ? "You have added " + n + " " + f.label + ", the most a referral can list." :
      (f.max > 0 ? "You can add up to " + f.max + " " + f.label + "." : "");
  }

  function renderItem(f, prefix, level, i) {
    var path = prefix + f.name + "[" + i + "]";
    var id = idOf(path);
    var name = capital(f.item) + " " + (i + 1);
    var box = el("fieldset", {"class": "item", id: id});
    box.appendChild(legendOf(name, level + 1));
    var err = el("p", {"class": "error", id: id + "-error", hidden: true});
    box.appendChild(err);
    box.setAttribute("aria-describedby", id + "-error");
    register(path, box, err, [], f);
    (kidsOf[f.path] || []).forEach(function (k) { box.appendChild(renderField(k, path + ".", level + 2)); });
    if (!(f.required && counts[prefix + f.name] === 1)) {
      var remove = el("button", {type: "button", "class": "secondary remove", text: "Remove " + f.item + " " + (i + 1)});
      remove.addEventListener("click", function () { removeItem(f, prefix, level, i); });
      box.appendChild(el("div", {"class": "buttons"}, [remove]));
    }
    return box;
  }

  function addItem(f, prefix, level) {
    var path = prefix + f.name;
    if (f.max > 0 && counts[path] >= f.max) { return; }
    counts[path]++;
    fillList(f, prefix, level);
    changed();
    var item = $(idOf(path + "[" + (counts[path] - 1) + "]"));
    var first = item.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    announce(capital(f.item) + " " + counts[path] + " added.");
  }

  // removeItem removes item i, moving the answers of the items after it
  // up by one.
  function removeItem(f, prefix, level, i) {
    var path = prefix + f.name;
    var n = counts[path];
    [values, touched].forEach(function (m) {
      var next = {};
      Object.keys(m).forEach(function (k) {
        if (k.indexOf(path + "[") !== 0) { next[k] = m[k]; return; }
        var rest = k.slice(path.length + 1);
        var j = parseInt(rest, 10);
        var tail = rest.slice(String(j).length + 1);
        if (j < i) { next[k] = m[k]; } else if (j > i) { next[path + "[" + (j - 1) + "]" + tail] = m[k]; }
      });
      Object.keys(m).forEach(function (k) { delete m[k]; });
      Object.keys(next).forEach(function (k) { m[k] = next[k]; });
    });
    Object.keys(counts).forEach(function (k) { if (k.indexOf(path + "[") === 0) { delete counts[k]; } });
    counts[path] = n - 1;
    fillList(f, prefix, level);
    changed();
    lists[path].add.focus();
    announce(capital(f.item) + " " + (i + 1) + " removed.");
  }

  function renderInput(f, prefix) {
    var path = prefix + f.name;
    var id = idOf(path);
    var described = [];
    var box = el("div", {"class": "field"});
    conditions(box, f, prefix);
    box.appendChild(el("label", {"for": id, text: f.question}));
    var hint = f.help || "";
    if (f.kind === "date") { hint = (hint ? hint + " " : "") + "Write the date as year-month-day, for example 2024-05-14."; }
    if (f.kind === "number") { hint = (hint ? hint + " " : "") + "A whole number."; }
    var parts = hintAndError(id, {help: hint}, described);
    parts.forEach(function (p) { box.appendChild(p); });
    var attrs = {id: id, name: path, "aria-describedby": described.join(" "), spellcheck: f.identifier ? "false" : null};
    var input;
    if (f.freeText || f.identifier === "address") {
      input = el("textarea", Object.assign(attrs, {rows: f.freeText && f.max > 2000 ? 6 : 3}));
    } else {
      attrs.type = f.identifier === "email" ? "email" : f.identifier === "phone" ? "tel" : "text";
      if (f.kind === "number") { attrs.inputmode = "numeric"; attrs["class"] = "short"; }
      if (f.kind === "date") { attrs["class"] = "short"; attrs.placeholder = "YYYY-MM-DD"; }
      attrs.autocomplete = autocompleteOf(f);
      input = el("input", attrs);
    }
    input.value = values[path] || "";
    box.appendChild(input);
    register(path, box, box.querySelector("#" + id + "-error"), [input], f);
    return box;
  }

  // autocompleteOf lets a browser offer the referrer's own details; it
  // offers nothing for anyone else's.
  function autocompleteOf(f) {
    if (f.path.indexOf("referrer.") !== 0) { return "off"; }
    return {name: "name", organisation: "organization", role: "organization-title", phone: "tel", email: "email"}[f.name] || "off";
  }

  function renderChoice(f, prefix, radios) {
    var path = prefix + f.name;
    var id = idOf(path);
    var described = [];
    var box, controls = [];
    if (radios) {
      box = el("fieldset", {"class": "field radios panel", id: id, role: "radiogroup", "aria-labelledby": id + "-legend"});
      box.appendChild(el("legend", {id: id + "-legend"}, [el("h2", {text: f.question})]));
      hintAndError(id, f, described).forEach(function (p) { box.appendChild(p); });
      box.setAttribute("aria-describedby", described.join(" "));
      f.values.forEach(function (v, i) {
        var rid = id + "-" + v;
        var r = el("input", {type: "radio", id: rid, name: path, value: v, checked: values[path] === v});
        controls.push(r);
        box.appendChild(el("div", {"class": "radio"}, [r, el("label", {"for": rid, text: f.valueLabels[i]})]));
      });
    } else {
      box = el("div", {"class": "field"});
      box.appendChild(el("label", {"for": id, text: f.question}));
      hintAndError(id, f, described).forEach(function (p) { box.appendChild(p); });
      var sel = el("select", {id: id, name: path, "aria-describedby": described.join(" ")});
      sel.appendChild(el("option", {value: "", text: "Not answered"}));
      f.values.forEach(function (v, i) { sel.appendChild(el("option", {value: v, text: f.valueLabels[i]})); });
      sel.value = values[path] || "";
      box.appendChild(sel);
      controls.push(sel);
    }
    conditions(box, f, prefix);
    register(path, box, box.querySelector("#" + id + "-error"), controls, f);
    return box;
  }

  function renderYesNo(f, prefix) {
    var path = prefix + f.name;
    var id = idOf(path);
    var described = [];
    var box = el("fieldset", {"class": "field radios inline", id: id, role: "radiogroup", "aria-labelledby": id + "-legend"});
    conditions(box, f, prefix);
    box.appendChild(el("legend", {id: id + "-legend", text: f.question}));
    hintAndError(id, f, described).forEach(function (p) { box.appendChild(p); });
    box.setAttribute("aria-describedby", described.join(" "));
    var controls = [];
    [["true", "Yes"], ["false", "No"], ["", "Not known"]].forEach(function (o) {
      var rid = id + "-" + (o[0] || "unknown");
      var r = el("input", {type: "radio", id: rid, name: path, value: o[0], checked: values[path] !== undefined && values[path] === o[0]});
      controls.push(r);
      box.appendChild(el("div", {"class": "radio"}, [r, el("label", {"for": rid, text: o[1]})]));
    });
    register(path, box, box.querySelector("#" + id + "-error"), controls, f);
    return box;
  }

  // ---- Answers ----

  function currentForm() { return values[formField.path] || ""; }

  // shows reports whether the form asks field f (in the group at prefix).
  function shows(f, prefix) {
    if (f.forms && f.forms.length && f.forms.indexOf(currentForm()) < 0) { return false; }
    if (f.showIf) {
      var v = values[prefix + f.showIf.field];
      if (v === undefined || f.showIf.values.indexOf(v) < 0) { return false; }
    }
    return true;
  }

  // update shows the questions that apply and hides the others.
  function update() {
    var form = currentForm();
    $("questions").hidden = !form;
    $("actions").hidden = !form;
    Array.prototype.forEach.call(document.querySelectorAll("[data-field]"), function (box) {
      var f = byPath[box.getAttribute("data-field")];
      box.hidden = !shows(f, box.getAttribute("data-prefix"));
    });
  }

  function valueOf(f, path) {
    var raw = values[path];
    if (raw === undefined || raw === "") { return undefined; }
    if (f.kind === "yes-no") { return raw === "true"; }
    if (f.kind === "number" && /^\s*-?\d{1,15}\s*$/.test(raw)) { return parseInt(raw, 10); }
    return raw;
  }

  // collect writes the answers given to the questions asked, as the
  // referral's JSON: what is not answered, or not asked, is left out.
  function collect(parent, prefix) {
    var obj = {};
    var any = false;
    (kidsOf[parent] || []).forEach(function (f) {
      var path = prefix + f.name;
      if (!shows(f, prefix)) { return; }
      if (f.kind === "group") {
        var g = collect(f.path, path + ".");
        if (g.any || !f.optional) { obj[f.name] = g.obj; any = any || g.any; }
      } else if (f.kind === "list") {
        var n = counts[path] || 0;
        if (n > 0 || f.required) {
          var list = [];
          for (var i = 0; i < n; i++) { list.push(collect(f.path, path + "[" + i + "].").obj); }
          obj[f.name] = list;
          any = any || n > 0;
        }
      } else {
        var v = valueOf(f, path);
        if (v !== undefined) { obj[f.name] = v; any = true; }
      }
    });
    return {obj: obj, any: any};
  }

  function referral() { return collect("", "").obj; }

  // ancestors are the paths of the groups, lists and items holding path.
  function ancestors(path) {
    var out = [];
    var re = /(\.|\[)/g;
    var m;
    while ((m = re.exec(path)) !== null) { out.push(path.slice(0, m.index)); }
    return out;
  }

  function onInput(e) {
    var t = e.target;
    if (!t.name || !targets[t.name]) { return; }
    values[t.name] = t.value;
    touched[t.name] = true;
    if (t.type === "radio") { left(t.name); }
    changed();
  }

  function onChange(e) {
    var t = e.target;
    if (!t.name || !targets[t.name]) { return; }
    values[t.name] = t.value;
    touched[t.name] = true;
    left(t.name);
    changed();
  }

  // left marks the groups holding an answer as touched once it is left.
  function left(path) { ancestors(path).forEach(function (p) { touched[p] = true; }); }

  function changed() {
    update();
    if (checked !== null && JSON.stringify(referral()) !== checked) {
      checked = null;
      if (desc.send) {
        $("send").disabled = true;
        $("send-note").textContent = "You changed an answer: check the referral again before you send it.";
      }
    }
    schedule();
  }

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { timer = null; validate(); }, DEBOUNCE);
    setBusy();
  }

  // ---- Talking to the service ----

  function post(url, body) {
    var headers = {"Content-Type": "application/json"};
    if (desc.token) { headers.Authorization = "Bearer " + token; }
    return fetch(url, {method: "POST", headers: headers, body: JSON.stringify(body), credentials: "omit", cache: "no-store"})
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (doc) { return {status: r.status, doc: doc, headers: r.headers}; });
      });
  }

  function needToken() {
    if (!desc.token || token) { return false; }
    tokenError("Enter your access token to check the referral.");
    return true;
  }

  function validate() {
    if (!currentForm() || (desc.token && !token)) { setBusy(); return; }
    var n = ++seq;
    pending++;
    setBusy();
    post(desc.validate, referral()).then(function (res) {
      if (n !== seq) { return; }
      if (res.status === 200 || res.status === 422) {
        problems = (res.doc && res.doc.problems) || [];
        showProblems();
        status(problemCount() ? countText(problemCount()) : "No problems with the answers so far.");
      } else {
        trouble(res, function () { schedule(); });
      }
    }).catch(function () {
      if (n === seq) { status("The answers could not be checked: the service cannot be reached. They will be checked again as you type."); }
    }).then(function () {
      pending--;
      setBusy();
      document.body.setAttribute("data-validated", String(n));
    });
  }

  // trouble shows why a request was not answered; retry is called when it
  // is worth trying again after a wait.
  function trouble(res, retry) {
    var p = res.doc && res.doc.problems && res.doc.problems[0];
    if (res.status === 401) {
      forgetToken();
      tokenError("The service did not accept this token. Check it and enter it again.");
      status("The answers cannot be checked without a valid access token.");
      return;
    }
    if (res.status === 429) {
      var wait = parseInt(res.headers.get("Retry-After") || "5", 10);
      status("The form has checked many times in a short while. It will check again in " + wait + " second" + (wait === 1 ? "" : "s") + ".");
      if (retry) { window.setTimeout(retry, wait * 1000); }
      return;
    }
    if (res.status === 413) {
      status("The referral is too large to check. Shorten the longest answers.");
      return;
    }
    status(p ? p.summary + ". " + (p.detail || "") : "The answers could not be checked just now. Try again in a moment.");
  }

  function status(text) { $("check-status").textContent = text; }

  function problemCount() { return Object.keys(shown).length; }

  function countText(n) { return n === 1 ? "1 answer needs attention." : n + " answers need attention."; }

  // ---- Problems beside their questions ----

  // targetOf is where a problem at path is shown: its question, or the
  // nearest group, list or item holding it; null for none on the page.
  function targetOf(path) {
    var p = path || "";
    while (p) {
      var t = targets[p];
      if (t && !t.box.hidden && t.box.offsetParent !== null) { return {path: p, target: t}; }
      var cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
      p = cut > 0 ? p.slice(0, cut) : "";
    }
    return null;
  }

  function message(p) {
    var s = p.summary || "";
    if (s && !/[.?!]$/.test(s)) { s += "."; }
    return p.detail ? s + " " + p.detail : s;
  }

  function showProblems() {
    Object.keys(targets).forEach(function (path) {
      var t = targets[path];
      t.error.hidden = true;
      t.error.textContent = "";
      t.box.classList.remove("invalid");
      t.controls.forEach(function (c) { c.removeAttribute("aria-invalid"); });
      if (t.box.getAttribute("role") === "radiogroup") { t.box.removeAttribute("aria-invalid"); }
    });
    var now = {};
    var fresh = [];
    problems.forEach(function (p) {
      var at = targetOf(p.path);
      if (!at || !(showAll || touched[at.path])) { return; }
      var key = at.path + " " + p.code;
      if (now[key]) { return; }
      now[key] = true;
      if (!shown[key]) { fresh.push({at: at, p: p}); }
      var t = at.target;
      t.error.hidden = false;
      t.error.appendChild(el("span", {text: message(p)}));
      t.box.classList.add("invalid");
      t.controls.forEach(function (c) { if (c.type !== "radio") { c.setAttribute("aria-invalid", "true"); } });
      if (t.box.getAttribute("role") === "radiogroup") { t.box.setAttribute("aria-invalid", "true"); }
    });
    var before = Object.keys(shown).length;
    shown = now;
    if (fresh.length === 1) {
      announce("Problem: " + describe(fresh[0].at.path) + ". " + message(fresh[0].p));
    } else if (fresh.length > 1) {
      announce(countText(Object.keys(now).length));
    } else if (before > 0 && Object.keys(now).length === 0) {
      announce("No problems with the answers so far.");
    }
  }

  // describe names the question at path as the referrer sees it, with
  // the group or item it is in: "Victim 1: Name".
  function describe(path) {
    var parts = [];
    var prefix = "";
    var segs = path.split(".");
    segs.forEach(function (seg) {
      var m = /^([^\[]+)(?:\[(\d+)\])?$/.exec(seg);
      if (!m) { return; }
      var tpl = (prefix ? prefix + "." : "") + m[1];
      var f = byPath[tpl];
      if (!f) { return; }
      if (m[2] !== undefined) {
        parts.push(capital(f.item) + " " + (parseInt(m[2], 10) + 1));
        prefix = tpl + "[]";
      } else {
        parts.push(f.question);
        prefix = tpl;
      }
    });
    return parts.length ? parts.join(": ") : path;
  }

  function focusPath(path) {
    var at = targetOf(path);
    if (!at) { return; }
    var c = at.target.controls.filter(function (x) { return x.checked; })[0] || at.target.controls[0];
    if (!c) { c = at.target.box.querySelector("input, select, textarea, button"); }
    if (c) { c.focus(); c.scrollIntoView({block: "center"}); }
  }

  function linkTo(path, text) {
    var at = targetOf(path);
    if (!at) { return el("span", {text: text}); }
    var a = el("a", {href: "#" + (at.target.controls[0] ? at.target.controls[0].id : at.target.box.id), text: text});
    a.addEventListener("click", function (e) { e.preventDefault(); focusPath(path); });
    return a;
  }

  // ---- Token ----

  function showTokenState() {
    $("token-forget").hidden = !token;
    $("token-state").textContent = token ? "A token is in use for this tab." : "No token yet: your answers are not checked until you enter one.";
  }

  function useToken() {
    var v = $("token").value.trim();
    if (!v) { tokenError("Enter your access token."); return; }
    token = v;
    try { window.sessionStorage.setItem(TOKEN_KEY, v); } catch (e) { /* kept in memory only */ }
    $("token").value = "";
    tokenError("");
    showTokenState();
    announce("Token in use.");
    schedule();
  }

  function forgetToken() {
    token = "";
    try { window.sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing kept */ }
    showTokenState();
  }

  function tokenError(text) {
    var e = $("token-error");
    e.textContent = text;
    e.hidden = !text;
    if (text) {
      $("token").setAttribute("aria-invalid", "true");
      $("token").focus();
    } else {
      $("token").removeAttribute("aria-invalid");
    }
  }

  // ---- Check ----

  var decisions = {
    eligible: "Suitable for referral",
    ineligible: "Not suitable for referral",
    incomplete: "More answers are needed before a decision",
    invalid: "Some answers need correcting"
  };

  function titleOf(a, id) {
    var t = desc.titles[a.pack && a.pack.version] || {};
    return t[id] || id;
  }

  function check() {
    if (needToken()) { return; }
    var body = referral();
    var sent = JSON.stringify(body);
    $("check").disabled = true;
    pending++;
    setBusy();
    status("Checking the referral…");
    post(desc.assess, body).then(function (res) {
      if ((res.status === 200 || res.status === 422) && res.doc && res.doc.decision) {
        showAssessment(res.doc);
        if (desc.send) {
          var ok = res.doc.decision !== "invalid";
          checked = ok ? sent : null;
          $("send").disabled = !ok;
          $("send-note").textContent = ok ? "The referral is checked: you can send it." : "Correct the answers, then check the referral again before you send it.";
        }
      } else {
        trouble(res, null);
      }
    }).catch(function () {
      status("The referral could not be checked: the service cannot be reached. Try again in a moment.");
    }).then(function () {
      $("check").disabled = false;
      pending--;
      setBusy();
    });
  }

  function showAssessment(a) {
    showAll = true;
    problems = a.problems || [];
    showProblems();
    var body = $("result-body");
    body.textContent = "";
    body.appendChild(el("p", {"class": "decision " + a.decision, id: "decision", text: decisions[a.decision] || a.decision}));
    explain(a, body);
    status(decisions[a.decision] + ".");
    $("result").hidden = false;
    $("result").focus();
    document.body.setAttribute("data-decision", a.decision);
  }

  function list(items) {
    return el("ul", null, items.map(function (x) { return el("li", null, x); }));
  }

  function explain(a, body) {
    if (a.decision === "invalid") {
      body.appendChild(el("p", {text: "The form cannot be processed until these answers are corrected:"}));
      body.appendChild(list((a.problems || []).map(function (p) {
        return [linkTo(p.path, p.path ? describe(p.path) : "The referral"), document.createTextNode(": " + message(p))];
      })));
      body.appendChild(el("p", {text: "The safety actions are listed all the same: safety does not wait for a perfect form."}));
    } else if (a.decision === "ineligible") {
      body.appendChild(el("p", {text: "Not suitable because: " + a.failed.map(function (id) { return titleOf(a, id); }).join("; ") + "."}));
    } else if (a.decision === "incomplete") {
      // A question not asked yet (it depends on another answer missing
      // too) is asked for once that answer is given.
      var missing = (a.missing || []).filter(function (p) { return targets[p] && !targets[p].box.hidden; });
      if (!missing.length) { missing = a.missing || []; }
      body.appendChild(el("p", {text: "These answers are needed to decide:"}));
      body.appendChild(el("ul", {id: "missing"}, missing.map(function (p) { return el("li", null, [linkTo(p, describe(p))]); })));
      body.appendChild(el("p", {text: "Until they are given, these cannot be decided: " + a.unknown.map(function (id) { return titleOf(a, id); }).join("; ") + "."}));
    } else if (a.decision === "eligible") {
      if (!a.programmes.length) {
        body.appendChild(el("p", {text: "No programme's conditions hold for this referral."}));
      } else {
        body.appendChild(el("p", {text: "Programmes offered:"}));
        body.appendChild(el("ul", {id: "programmes"}, a.programmes.map(function (o) {
          return el("li", null, [el("strong", {text: titleOf(a, o.id)}), document.createTextNode(": " + o.reasons.join(" "))]);
        })));
      }
    }
    var rules = (a.rules || []).filter(function (r) { return r.kind === "criterion" || r.kind === "exclusion"; });
    if (rules.length) {
      body.appendChild(el("h3", {text: "How this was decided"}));
      body.appendChild(el("ul", {"class": "rules"}, rules.map(function (r) {
        // A reason reads "Title: verdict. Because ...": the title leads.
        var cut = r.reason.indexOf(": ");
        if (cut < 0) { return el("li", {"class": r.outcome, text: r.reason}); }
        return el("li", {"class": r.outcome}, [el("strong", {text: r.reason.slice(0, cut + 1)}), document.createTextNode(r.reason.slice(cut + 1))]);
      })));
    }
    body.appendChild(el("h3", {text: "Keeping people safe"}));
    if (!a.actions || !a.actions.length) {
      body.appendChild(el("p", {text: "No safety actions."}));
    } else {
      body.appendChild(el("ul", {"class": "actions-list", id: "safety"}, a.actions.map(function (x) {
        var who = [];
        if (x.victim !== undefined && x.victim !== null) { who.push("victim " + (x.victim + 1)); }
        if (x.child !== undefined && x.child !== null) { who.push("child " + (x.child + 1)); }
        var meta = "By the " + x.owner.replace(/-/g, " ") + ", " + (x.dueWithinDays === 0 ? "today" : "within " + x.dueWithinDays + " day" + (x.dueWithinDays === 1 ? "" : "s")) + ".";
        return el("li", null, [el("strong", {text: titleOf(a, x.id) + (who.length ? " (" + who.join(", ") + ")" : "") + ":"}),
          el("span", {text: " " + x.text + " "}), el("span", {"class": "meta", text: meta})]);
      })));
    }
    body.appendChild(el("p", {"class": "note", text: "Assessed under the " + a.pack.name + " rules, version " + a.pack.version + ", as on " + a.at + "."}));
  }

  // ---- Send ----

  function send() {
    if (needToken() || checked === null) { return; }
    var body = referral();
    if (JSON.stringify(body) !== checked) { changed(); return; }
    $("send").disabled = true;
    pending++;
    setBusy();
    $("send-note").textContent = "Sending…";
    post(desc.send, body).then(function (res) {
      if (res.status === 200 && res.doc && res.doc.reference) {
        checked = null;
        $("send-note").textContent = "Sent.";
        var sent = $("sent-body");
        sent.textContent = "";
        sent.appendChild(el("p", null, ["Your reference: ", el("strong", {id: "reference", text: res.doc.reference})]));
        sent.appendChild(el("h3", {text: "What happens next"}));
        sent.appendChild(el("p", {id: "next", text: res.doc.next}));
        $("sent").hidden = false;
        $("sent").focus();
        document.body.setAttribute("data-sent", res.doc.reference);
        return;
      }
      if (res.status === 422 && res.doc && res.doc.decision) {
        showAssessment(res.doc);
        $("send-note").textContent = "Nothing was sent: correct the answers, then check the referral again.";
        return;
      }
      var p = res.doc && res.doc.problems && res.doc.problems[0];
      if (res.status === 401) { trouble(res, null); }
      $("send").disabled = false;
      if (res.status === 429) {
        var wait = parseInt(res.headers.get("Retry-After") || "60", 10);
        $("send-note").textContent = "Nothing was sent: too many referrals were sent from this address. Try again in " + wait + " seconds.";
      } else {
        $("send-note").textContent = "Nothing was sent. " + (p ? message(p) : "Try again in a moment.");
      }
    }).catch(function () {
      $("send").disabled = false;
      $("send-note").textContent = "Nothing was sent: the service cannot be reached. Try again in a moment.";
    }).then(function () {
      pending--;
      setBusy();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
