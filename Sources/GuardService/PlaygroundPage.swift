import Foundation
import HTTPServer

/// The playground served at `GET /`: one static page (HTML, CSS and script inline; nothing fetched from elsewhere)
/// that calls `/v1/score` with `"explain": true` and shows the score, the labels, any `components` and
/// `categories`/`category_scores` the result carries, and a heat map of the windows over the text. Kept in code,
/// like the OpenAPI document, so that the binary alone (and the Docker image) serves it.
///
/// The page can be driven from its URL: `#` followed by URL-encoded JSON
/// `{"prompt": ..., "response": ...}` or `{"messages": [...]}`, plus `"run": true` to score at once.
/// `window.rampartRender(result, request)` renders any `/v1/score` result object (tests use it).
enum PlaygroundPage {
    static func response() -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        // Inline script and style only; the page talks to this server and nothing else.
        headers.add(name: "Content-Security-Policy", value: "default-src 'none'; script-src 'unsafe-inline'; "
            + "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'")
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }

    static let body = Data(html.utf8)

    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Rampart playground</title>
    <style>
      :root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; --accent: #0969da; --bad: #cf222e; --good: #1a7f37; }
      * { box-sizing: border-box; }
      body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
      header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; gap: 12px; align-items: baseline; }
      header h1 { font-size: 18px; margin: 0; }
      header .model { color: var(--muted); }
      main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(360px, 1.2fr); gap: 20px; padding: 16px 20px; }
      @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
      section { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 14px; background: #fff; }
      h2 { font-size: 14px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
      label { display: block; font-weight: 600; margin: 8px 0 4px; }
      textarea { width: 100%; min-height: 90px; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; resize: vertical; }
      input[type=text], input[type=password], select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; }
      button { font: inherit; padding: 5px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); cursor: pointer; }
      button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
      .tabs { display: flex; gap: 4px; margin-bottom: 8px; }
      .tabs button[aria-selected=true] { background: var(--fg); color: #fff; border-color: var(--fg); }
      .turn { border: 1px dashed var(--line); border-radius: 6px; padding: 6px; margin-bottom: 6px; }
      .turn .row { display: flex; gap: 6px; align-items: center; margin-bottom: 4px; }
      .turn textarea { min-height: 54px; }
      .actions { display: flex; gap: 8px; align-items: center; margin-top: 10px; flex-wrap: wrap; }
      .hidden { display: none !important; }
      .verdict { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; }
      .score { font-size: 40px; font-weight: 700; font-variant-numeric: tabular-nums; }
      .badge { padding: 2px 10px; border-radius: 999px; font-weight: 700; color: #fff; }
      .badge.flagged { background: var(--bad); } .badge.passed { background: var(--good); }
      .facts { color: var(--muted); font-size: 13px; }
      .threshold { display: flex; gap: 10px; align-items: center; margin-top: 8px; }
      .threshold input[type=range] { flex: 1; }
      table { border-collapse: collapse; width: 100%; font-size: 13px; }
      td, th { padding: 3px 6px; border-bottom: 1px solid var(--bg); text-align: left; vertical-align: top; }
      td.num { font-variant-numeric: tabular-nums; width: 5em; }
      .bar { height: 8px; border-radius: 4px; background: var(--bg); min-width: 80px; }
      .bar > div { height: 100%; border-radius: 4px; background: var(--accent); }
      .bar.hot > div { background: var(--bad); }
      .cells { display: flex; gap: 3px; flex-wrap: wrap; margin-bottom: 10px; }
      .heat-cell { width: 34px; height: 26px; border-radius: 4px; font-size: 10px; display: flex; align-items: center; justify-content: center; cursor: pointer; border: 2px solid transparent; }
      .heat-cell.over { border-color: var(--bad); font-weight: 700; }
      .heat-cell.active { outline: 2px solid var(--fg); }
      .text-block { margin-bottom: 10px; }
      .text-block .who { font-size: 12px; font-weight: 700; color: var(--muted); margin-bottom: 2px; }
      .text { white-space: pre-wrap; word-break: break-word; font: 13px/1.6 ui-monospace, SFMono-Regular, Menlo, monospace; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; }
      .heat-span.focus { outline: 2px solid var(--fg); }
      .legend { font-size: 12px; color: var(--muted); display: flex; gap: 8px; align-items: center; }
      .legend .ramp { width: 140px; height: 10px; border-radius: 5px; background: linear-gradient(90deg, hsla(120,80%,45%,.2), hsla(60,85%,50%,.45), hsla(0,85%,50%,.75)); }
      .error { color: var(--bad); font-weight: 600; white-space: pre-wrap; }
      pre.json { max-height: 320px; overflow: auto; background: var(--bg); padding: 8px; border-radius: 6px; font-size: 12px; }
      .note { color: var(--muted); font-size: 12px; }
    </style>
    </head>
    <body>
    <header><h1>Rampart playground</h1><span class="model" id="model">loading the model…</span></header>
    <main>
    <div>
      <section>
        <div class="tabs" role="tablist">
          <button type="button" id="tab-pair" role="tab" aria-selected="true">Prompt &amp; response</button>
          <button type="button" id="tab-conversation" role="tab" aria-selected="false">Conversation</button>
        </div>
        <div id="pair-form">
          <label for="prompt">Prompt</label>
          <textarea id="prompt" placeholder="What the user asked"></textarea>
          <label for="response">Response <span class="note">(optional: empty scores the prompt alone)</span></label>
          <textarea id="response" placeholder="What the model answered"></textarea>
        </div>
        <div id="conversation-form" class="hidden">
          <p class="note">The last turn is judged, in the context of the turns before it: an assistant turn as the response to the user turn before it, a user turn as a prompt.</p>
          <div id="turns"></div>
          <div class="actions">
            <button type="button" id="add-turn">Add turn</button>
            <button type="button" id="paste-json">Paste messages JSON</button>
          </div>
        </div>
        <label for="api-key">API key <span class="note">(only if the server requires one)</span></label>
        <input type="password" id="api-key" autocomplete="off" size="30">
        <div class="actions">
          <button type="button" class="primary" id="score-button">Score</button>
          <span class="note" id="status"></span>
        </div>
      </section>
    </div>
    <div>
      <section id="result" class="hidden">
        <h2>Verdict</h2>
        <div class="verdict">
          <span class="score" id="score">–</span>
          <span class="badge" id="flagged"></span>
          <span class="facts" id="facts"></span>
        </div>
        <div class="threshold">
          <label for="threshold" style="margin:0">Threshold</label>
          <input type="range" id="threshold" min="0" max="1" step="0.001">
          <input type="text" id="threshold-value" size="6" aria-label="threshold value">
          <button type="button" id="threshold-reset">model's</button>
        </div>
        <p class="note">Try a threshold: the decision and the windows above it update here; the scores do not change.</p>
      </section>
      <section id="error-panel" class="hidden"><h2>Error</h2><div class="error" id="error"></div></section>
      <section id="labels-panel" class="hidden"><h2>Labels</h2><table id="labels"></table></section>
      <section id="components-panel" class="hidden"><h2>Components</h2><table id="components"></table></section>
      <section id="categories-panel" class="hidden"><h2>Categories</h2><table id="categories"></table></section>
      <section id="heatmap-panel" class="hidden">
        <h2>Windows</h2>
        <div class="legend"><span id="heat-measure">P(unsafe) per window</span><span>0</span><span class="ramp"></span><span>1</span>
          <label for="heat-by" id="heat-by-label" class="hidden" style="margin:0 0 0 auto">Colour by</label>
          <select id="heat-by" class="hidden"></select></div>
        <p class="note" id="window-note"></p>
        <div class="cells" id="cells"></div>
        <div id="texts"></div>
      </section>
      <section id="raw-panel" class="hidden"><details><summary>Response JSON</summary><pre class="json" id="raw"></pre></details></section>
    </div>
    </main>
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    const state = { mode: "pair", result: null, request: null, threshold: null, modelThreshold: null, heatBy: "score" };
    const ROLES = ["system", "developer", "user", "assistant", "tool"];

    function heat(score) {
      if (score === null || score === undefined || !isFinite(score)) return "repeating-linear-gradient(45deg,#ddd,#ddd 4px,#fff 4px,#fff 8px)";
      const s = Math.max(0, Math.min(1, score));
      return `hsla(${Math.round(120 * (1 - s))}, 85%, 48%, ${(0.18 + 0.6 * s).toFixed(3)})`;
    }
    const fmt = (x) => (typeof x === "number" && isFinite(x)) ? x.toFixed(3) : String(x);
    function el(tag, props, ...children) {
      const node = document.createElement(tag);
      Object.assign(node, props || {});
      for (const child of children) node.append(child);
      return node;
    }

    // ---- input forms ----
    function setMode(mode) {
      state.mode = mode;
      $("tab-pair").setAttribute("aria-selected", mode === "pair");
      $("tab-conversation").setAttribute("aria-selected", mode === "conversation");
      $("pair-form").classList.toggle("hidden", mode !== "pair");
      $("conversation-form").classList.toggle("hidden", mode !== "conversation");
      if (mode === "conversation" && !$("turns").children.length) { addTurn("user", ""); addTurn("assistant", ""); }
    }
    function addTurn(role, text) {
      const select = el("select", { className: "role", ariaLabel: "role" });
      for (const r of ROLES) select.append(el("option", { value: r, textContent: r, selected: r === role }));
      const remove = el("button", { type: "button", textContent: "remove", onclick: () => turn.remove() });
      const area = el("textarea", { className: "content", value: text || "" });
      const turn = el("div", { className: "turn" }, el("div", { className: "row" }, select, remove), area);
      $("turns").append(turn);
      return turn;
    }
    function setMessages(messages) {
      $("turns").replaceChildren();
      for (const m of messages) {
        const text = typeof m.content === "string" ? m.content
          : Array.isArray(m.content) ? m.content.map((p) => p.text || "").join("\n") : "";
        addTurn(m.role, text);
      }
    }
    function messagesFromForm() {
      return [...$("turns").querySelectorAll(".turn")].map((t) => ({
        role: t.querySelector(".role").value, content: t.querySelector(".content").value }));
    }
    function buildRequest() {
      if (state.mode === "conversation") return { messages: messagesFromForm(), explain: true };
      const request = { prompt: $("prompt").value, explain: true };
      if ($("response").value !== "") request.response = $("response").value;
      return request;
    }

    // ---- scoring ----
    async function score() {
      const request = buildRequest();
      const headers = { "Content-Type": "application/json" };
      if ($("api-key").value) headers.Authorization = "Bearer " + $("api-key").value;
      $("status").textContent = "scoring…";
      $("score-button").disabled = true;
      try {
        const reply = await fetch("/v1/score", { method: "POST", headers, body: JSON.stringify(request) });
        const body = await reply.json().catch(() => ({ error: { message: `HTTP ${reply.status}` } }));
        if (!reply.ok) { showError(body.error ? `${reply.status} ${body.error.code || ""}: ${body.error.message}` : `HTTP ${reply.status}`); return; }
        render(body, request);
      } catch (error) {
        showError(String(error));
      } finally {
        $("status").textContent = "";
        $("score-button").disabled = false;
      }
    }
    function showError(message) {
      $("error").textContent = message;
      $("error-panel").classList.remove("hidden");
      document.body.dataset.state = "error";
    }

    // ---- rendering ----
    function render(result, request) {
      state.result = result;
      state.request = request || {};
      state.modelThreshold = result.threshold;
      state.threshold = result.threshold;
      $("error-panel").classList.add("hidden");
      $("result").classList.remove("hidden");
      $("score").textContent = fmt(result.score);
      $("score").dataset.score = result.score;
      const facts = [];
      if (result.model) facts.push(result.model);
      if (typeof result.tokens === "number") facts.push(`${result.tokens} tokens`);
      if (typeof result.windows === "number") facts.push(`${result.windows} window${result.windows === 1 ? "" : "s"}`);
      if (result.truncated) facts.push("truncated: some tokens were not seen");
      if (result.degraded) facts.push("degraded: the model failed, the failure policy decided");
      $("facts").textContent = facts.join(" · ");
      renderTable("labels", result.labels);
      renderTable("components", result.components);
      renderCategories(result.categories, result.category_scores);
      renderHeatmap(result, state.request);
      $("raw").textContent = JSON.stringify(result, null, 2);
      $("raw-panel").classList.remove("hidden");
      setThreshold(result.threshold);
      document.body.dataset.state = "scored";
    }
    // hot: the bar turns red at the threshold (scores of harm; not the labels, where "safe" is one of them).
    function barRow(name, value, extra, hot = true) {
      const row = el("tr", { className: "entry" });
      row.dataset.name = name;
      row.append(el("td", { textContent: name }));
      if (typeof value === "number") {
        const bar = el("div", { className: "bar" }, el("div", { style: `width:${Math.max(0, Math.min(1, value)) * 100}%` }));
        if (hot && value >= (state.threshold ?? 0.5)) bar.classList.add("hot");
        row.append(el("td", { className: "num", textContent: fmt(value) }), el("td", {}, bar));
        row.dataset.value = value;
      } else {
        row.append(el("td", { colSpan: 2 }, el("code", { textContent: typeof value === "string" ? value : JSON.stringify(value) })));
      }
      if (extra !== undefined) row.append(el("td", { textContent: extra }));
      return row;
    }
    // Any object: numbers get bars, nested objects are flattened one level ("head.score"), the rest is shown as JSON.
    function renderTable(id, object) {
      const panel = $(id + "-panel");
      const table = $(id);
      table.replaceChildren();
      if (!object || typeof object !== "object" || !Object.keys(object).length) { panel.classList.add("hidden"); return; }
      for (const [key, value] of Object.entries(object)) {
        if (value && typeof value === "object" && !Array.isArray(value)) {
          for (const [inner, innerValue] of Object.entries(value)) table.append(barRow(`${key}.${inner}`, innerValue, undefined, id !== "labels"));
        } else {
          table.append(barRow(key, value, undefined, id !== "labels"));
        }
      }
      panel.classList.remove("hidden");
    }
    // categories: an object (name → boolean, number or object) or an array of the names reported true;
    // category_scores: name → number. Categories named only in category_scores are shown unflagged.
    function renderCategories(categories, scores) {
      const panel = $("categories-panel");
      const table = $("categories");
      table.replaceChildren();
      const names = new Set();
      const flags = {};
      // An array names the categories reported true (Rampart's multi-head results); its entries may be objects.
      if (Array.isArray(categories)) for (const c of categories) { const n = typeof c === "string" ? c : (c.name || JSON.stringify(c)); names.add(n); flags[n] = typeof c === "string" ? true : c; }
      else if (categories && typeof categories === "object") for (const [n, v] of Object.entries(categories)) { names.add(n); flags[n] = v; }
      if (scores && typeof scores === "object") for (const n of Object.keys(scores)) names.add(n);
      if (!names.size) { panel.classList.add("hidden"); return; }
      for (const name of names) {
        const flag = flags[name];
        const value = scores && typeof scores[name] === "number" ? scores[name]
          : typeof flag === "number" ? flag : (flag && typeof flag.score === "number" ? flag.score : undefined);
        const mark = typeof flag === "boolean" ? (flag ? "flagged" : "") : (flag && flag.flagged ? "flagged" : "");
        table.append(barRow(name, value === undefined ? (flag === undefined ? "" : flag) : value, mark));
      }
      panel.classList.remove("hidden");
    }
    // The texts that were scored and, for each window, the (text, start, end) stretches it read.
    function scoredTexts(result, request) {
      const explanation = result.explanation;
      if (Array.isArray(request.messages)) {
        const texts = request.messages.map((m, i) => ({ key: i, label: `#${i} ${m.role}` + (i === explanation?.prompt_message ? " · judged prompt" : i === explanation?.response_message ? " · judged response" : " · context"),
          text: typeof m.content === "string" ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text || "").join("\n") : "" }));
        const windows = (explanation?.windows || []).map((w) => ({ score: w.score, components: w.components, categories: w.category_scores,
          spans: (w.messages || []).map((s) => ({ key: s.index, start: s.start, end: s.end })) }));
        return { texts, windows };
      }
      const texts = [{ key: "prompt", label: "prompt", text: request.prompt || "" }];
      if (typeof request.response === "string") texts.push({ key: "response", label: "response", text: request.response });
      const windows = (explanation?.windows || []).map((w) => ({ score: w.score, components: w.components, categories: w.category_scores,
        spans: ["prompt", "response"].filter((k) => w[k]).map((k) => ({ key: k, start: w[k].start, end: w[k].end })) }));
      return { texts, windows };
    }
    // What the heat map shows: P(unsafe), or (multi-head models) one component or category of each window.
    function measures(windows) {
      const list = [["score", "P(unsafe)"]];
      const seen = new Set();
      for (const w of windows) {
        for (const k of Object.keys(w.components || {})) if (!seen.has("component:" + k)) { seen.add("component:" + k); list.push(["component:" + k, "component " + k]); }
      }
      for (const w of windows) {
        for (const k of Object.keys(w.categories || {})) if (!seen.has("category:" + k)) { seen.add("category:" + k); list.push(["category:" + k, "category " + k]); }
      }
      return list;
    }
    function measure(w, by) {
      if (by.startsWith("component:")) return w.components?.[by.slice(10)] ?? null;
      if (by.startsWith("category:")) return w.categories?.[by.slice(9)] ?? null;
      return w.score;
    }
    function renderHeatmap(result, request) {
      const panel = $("heatmap-panel");
      const { texts, windows: scored } = scoredTexts(result, request);
      if (!scored.length) { panel.classList.add("hidden"); return; }
      panel.classList.remove("hidden");
      const options = measures(scored);
      if (!options.some(([value]) => value === state.heatBy)) state.heatBy = "score";
      const select = $("heat-by");
      select.replaceChildren(...options.map(([value, label]) => el("option", { value, textContent: label, selected: value === state.heatBy })));
      select.classList.toggle("hidden", options.length < 2);
      $("heat-by-label").classList.toggle("hidden", options.length < 2);
      const label = options.find(([value]) => value === state.heatBy)[1];
      $("heat-measure").textContent = `${label} per window`;
      const windows = scored.map((w) => ({ ...w, score: measure(w, state.heatBy) }));
      const cells = $("cells");
      cells.replaceChildren();
      windows.forEach((w, i) => {
        const details = [`P(unsafe) ${fmt(scored[i].score)}`].concat(
          Object.entries(scored[i].components || {}).map(([k, v]) => `${k} ${fmt(v)}`),
          Object.entries(scored[i].categories || {}).map(([k, v]) => `${k} ${fmt(v)}`));
        const cell = el("div", { className: "heat-cell", textContent: String(i + 1), title: `window ${i + 1}: ${details.join(", ")}` });
        cell.dataset.window = i;
        cell.dataset.score = w.score;
        cell.style.background = heat(w.score);
        cell.onmouseenter = () => focusWindow(i);
        cell.onmouseleave = () => focusWindow(null);
        cell.onclick = () => focusWindow(i);
        cells.append(cell);
      });
      const top = windows.reduce((best, w, i) => (w.score ?? -1) > (windows[best].score ?? -1) ? i : best, 0);
      $("window-note").textContent = `${windows.length} window${windows.length === 1 ? "" : "s"}; the highest ${label} is window ${top + 1}'s (${fmt(windows[top].score)}). Each character is coloured by the highest window that read it; uncoloured text was not read (context left out, or cut).`;
      const container = $("texts");
      container.replaceChildren();
      for (const t of texts) {
        const chars = Array.from(t.text);  // code points, the unit of the offsets
        const best = new Array(chars.length).fill(null);
        const readers = chars.map(() => []);
        windows.forEach((w, i) => {
          for (const s of w.spans) if (s.key === t.key) for (let c = Math.max(0, s.start); c < Math.min(chars.length, s.end); c++) {
            readers[c].push(i);
            if (best[c] === null || (w.score ?? -1) > best[c]) best[c] = w.score ?? -1;
          }
        });
        const box = el("div", { className: "text" });
        box.dataset.text = t.key;
        let start = 0;
        for (let c = 1; c <= chars.length; c++) {
          if (c < chars.length && best[c] === best[start] && readers[c].join() === readers[start].join()) continue;
          const piece = chars.slice(start, c).join("");
          if (best[start] === null) box.append(piece);
          else {
            const span = el("span", { className: "heat-span", textContent: piece });
            span.dataset.score = best[start];
            span.dataset.windows = readers[start].join(" ");
            span.style.background = heat(best[start]);
            box.append(span);
          }
          start = c;
        }
        if (!chars.length) box.append(el("span", { className: "note", textContent: "(empty)" }));
        container.append(el("div", { className: "text-block" }, el("div", { className: "who", textContent: t.label }), box));
      }
    }
    function focusWindow(index) {
      for (const cell of document.querySelectorAll(".heat-cell")) cell.classList.toggle("active", String(index) === cell.dataset.window);
      for (const span of document.querySelectorAll(".heat-span")) span.classList.toggle("focus", index !== null && span.dataset.windows.split(" ").includes(String(index)));
    }
    function setThreshold(value) {
      const t = Math.max(0, Math.min(1, Number(value)));
      if (!isFinite(t) || !state.result) return;
      state.threshold = t;
      $("threshold").value = t;
      $("threshold-value").value = t.toFixed(3);
      const flagged = state.result.degraded ? state.result.flagged : state.result.score >= t;
      const badge = $("flagged");
      badge.textContent = flagged ? `flagged at ${t.toFixed(3)}` : `passes at ${t.toFixed(3)}`;
      badge.className = "badge " + (flagged ? "flagged" : "passed");
      badge.dataset.flagged = flagged;
      for (const cell of document.querySelectorAll(".heat-cell")) cell.classList.toggle("over", Number(cell.dataset.score) >= t);
      for (const bar of document.querySelectorAll("#components .bar, #categories .bar")) {
        const value = Number(bar.closest("tr").dataset.value);
        bar.classList.toggle("hot", value >= t);
      }
    }

    // ---- wiring ----
    $("tab-pair").onclick = () => setMode("pair");
    $("tab-conversation").onclick = () => setMode("conversation");
    $("add-turn").onclick = () => addTurn("user", "");
    $("paste-json").onclick = () => {
      const text = window.prompt("Paste a messages array (OpenAI chat format)");
      if (!text) return;
      try { const parsed = JSON.parse(text); setMessages(Array.isArray(parsed) ? parsed : parsed.messages); } catch (e) { showError("not JSON: " + e.message); }
    };
    $("score-button").onclick = score;
    $("threshold").oninput = (e) => setThreshold(e.target.value);
    $("threshold-value").onchange = (e) => setThreshold(e.target.value);
    $("threshold-reset").onclick = () => setThreshold(state.modelThreshold);
    $("heat-by").onchange = (e) => { state.heatBy = e.target.value; renderHeatmap(state.result, state.request); setThreshold(state.threshold); };
    for (const id of ["prompt", "response"]) $(id).addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) score(); });
    window.rampartRender = render;

    fetch("/ready").then((r) => r.json()).then((b) => { $("model").textContent = b.model ? `model: ${b.model}` : "model loading"; }).catch(() => { $("model").textContent = ""; });
    function fromFragment() {
      if (location.hash.length < 2) return;
      let preset;
      try { preset = JSON.parse(decodeURIComponent(location.hash.slice(1))); } catch (e) { return; }
      if (Array.isArray(preset.messages)) { setMode("conversation"); setMessages(preset.messages); }
      else { setMode("pair"); $("prompt").value = preset.prompt || ""; $("response").value = preset.response || ""; }
      if (preset.run) score();
    }
    window.addEventListener("hashchange", fromFragment);
    fromFragment();
    </script>
    </body>
    </html>
    """#
}
