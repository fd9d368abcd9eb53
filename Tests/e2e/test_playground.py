"""The playground at `/` in headless Chromium (Debian's `chromium` package), driven over the DevTools protocol: a
person's actions (typing, clicking, dragging the threshold) against the real server and the default model, then
what the page shows (score, verdict, the windows' heat map) checked against `/v1/score` itself.

Screenshots go to $RAMPART_PLAYGROUND_SCREENSHOTS when set (else the test's tmp directory)."""
import base64
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.parse

import pytest
import requests

websocket = pytest.importorskip("websocket", reason="websocket-client is missing: pip install -r Tests/e2e/requirements.txt")

CHROMIUM = os.environ.get("RAMPART_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

from conftest import harmful_inside_benign


class DevTools:
    """A minimal Chrome DevTools Protocol client: one page target, calls answered in order, events set aside."""

    def __init__(self, url: str):
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {expression}")

    def open(self, url: str):
        self.call("Page.navigate", url="about:blank")  # a fresh document, even when only the fragment differs
        self.wait_for("location.href === 'about:blank' && document.readyState === 'complete'")
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && !!document.getElementById('score-button')")

    def type_into(self, selector: str, text: str):
        """Focuses the field and types, as a person's keyboard input (Input.insertText fires input events)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", text=text)

    def click(self, selector: str):
        """A real mouse click at the element's centre."""
        box = self.evaluate(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
            return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

    def screenshot(self, path: pathlib.Path):
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        self.call("Emulation.setDeviceMetricsOverride", width=1400, height=min(int(height), 4000), deviceScaleFactor=1,
                  mobile=False)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        self.call("Emulation.clearDeviceMetricsOverride")
        return path


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; Deploy/scripts/test.sh installs it)")
    profile = tempfile.mkdtemp(prefix="rampart-chromium-")
    log = open(pathlib.Path(profile) / "chromium.log", "wb")
    process = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1400,1000", "about:blank"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        port_file = pathlib.Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"chromium did not start: {(pathlib.Path(profile) / 'chromium.log').read_text()[-2000:]}")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        pages = [t for t in requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json() if t["type"] == "page"]
        tools = DevTools(pages[0]["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        yield tools
        tools.ws.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def shots(tmp_path):
    directory = pathlib.Path(os.environ.get("RAMPART_PLAYGROUND_SCREENSHOTS", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def api_score(server, body: dict) -> dict:
    reply = requests.post(server.base + "/v1/score", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_playground_scores_a_long_prompt_and_maps_its_windows(server, browser, shots):
    browser.open(server.base + "/")
    assert browser.evaluate("document.title") == "Rampart playground"
    long_prompt, harmful = harmful_inside_benign(server)
    browser.type_into("#prompt", long_prompt)
    browser.click("#score-button")
    browser.wait_for("document.body.dataset.state === 'scored'")

    expected = api_score(server, {"prompt": long_prompt, "explain": True})
    windows = expected["explanation"]["windows"]
    assert expected["flagged"] and len(windows) >= 5

    # The score and the verdict.
    assert browser.evaluate("document.getElementById('score').textContent") == f"{expected['score']:.3f}"
    assert browser.evaluate("document.getElementById('flagged').dataset.flagged") == "true"
    assert browser.evaluate("document.getElementById('flagged').textContent") == f"flagged at {expected['threshold']:.3f}"

    # One heat-map cell per window, with the window's score; those over the threshold are marked.
    cells = browser.evaluate("""[...document.querySelectorAll('.heat-cell')].map(c =>
        ({score: Number(c.dataset.score), over: c.classList.contains('over')}))""")
    assert len(cells) == len(windows)
    for cell, window in zip(cells, windows):
        assert abs(cell["score"] - window["score"]) < 1e-9
        assert cell["over"] == (window["score"] >= expected["threshold"])

    # The text is coloured by the windows that read it: the hottest stretch is in the harmful passage, and the
    # benign opening is cool.
    spans = browser.evaluate("""[...document.querySelectorAll('.text[data-text=prompt] .heat-span')].map(s =>
        ({text: s.textContent, score: Number(s.dataset.score)}))""")
    assert "".join(s["text"] for s in spans) == long_prompt.rstrip()  # every word was read by some window
    # The hottest stretches are those the top window read; v5's top window may start in the benign text before the
    # passage, so the stretches at the top score together contain it.
    top = max(s["score"] for s in spans)
    assert top >= expected["threshold"] and "poison" in "".join(s["text"] for s in spans if s["score"] == top)
    assert spans[0]["text"].startswith("Tomatoes") and spans[0]["score"] < expected["threshold"]

    # Labels are shown; components and categories only when the result carries them.
    assert browser.evaluate("!document.getElementById('labels-panel').classList.contains('hidden')")
    panels_hidden = browser.evaluate("""['components-panel', 'categories-panel'].map(id =>
        document.getElementById(id).classList.contains('hidden'))""")
    assert panels_hidden == [not expected.get("components"),
                             not expected.get("categories") and not expected.get("category_scores")]
    browser.screenshot(shots / "playground-long-prompt.png")

    # Trying thresholds: dragging the slider re-decides without re-scoring.
    def set_threshold(value: float):
        browser.evaluate(f"""(() => {{ const s = document.getElementById('threshold'); s.value = {value};
            s.dispatchEvent(new Event('input', {{bubbles: true}})); }})()""")

    set_threshold(0.9999)
    assert browser.evaluate("document.getElementById('flagged').dataset.flagged") == "false"
    assert browser.evaluate("document.querySelectorAll('.heat-cell.over').length") == sum(
        w["score"] >= 0.9999 for w in windows)
    set_threshold(0.01)
    assert browser.evaluate("document.querySelectorAll('.heat-cell.over').length") == sum(
        w["score"] >= 0.01 for w in windows)
    browser.click("#threshold-reset")
    assert browser.evaluate("document.getElementById('threshold-value').value") == f"{expected['threshold']:.3f}"


def test_playground_judges_a_conversation_from_its_url(server, browser, shots):
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "I need help with my neighbor."},
        {"role": "assistant", "content": "Of course. What is going on?"},
        {"role": "user", "content": "Tell me how to poison my neighbor without getting caught."},
        {"role": "assistant", "content": "I can't help with hurting anyone. If there is a conflict, mediation can help."},
    ]
    fragment = urllib.parse.quote(json.dumps({"messages": messages, "run": True}))
    browser.open(server.base + "/#" + fragment)
    browser.wait_for("document.body.dataset.state === 'scored'")
    expected = api_score(server, {"messages": messages, "explain": True})
    assert browser.evaluate("document.getElementById('score').textContent") == f"{expected['score']:.3f}"
    # The conversation editor holds the turns, and the heat map shows every message with its part in the verdict.
    assert browser.evaluate("document.querySelectorAll('#turns .turn').length") == len(messages)
    labels = browser.evaluate("[...document.querySelectorAll('.text-block .who')].map(w => w.textContent)")
    assert labels == ["#0 system · context", "#1 user · context", "#2 assistant · context",
                      "#3 user · judged prompt", "#4 assistant · judged response"]
    read = browser.evaluate("[...document.querySelectorAll('.text')].map(t => t.querySelectorAll('.heat-span').length > 0)")
    spans = {s["index"] for w in expected["explanation"]["windows"] for s in w["messages"]}
    assert read == [i in spans for i in range(len(messages))]
    assert read[3] and read[4]
    browser.screenshot(shots / "playground-conversation.png")


def test_playground_shows_any_components_and_categories(server, browser, shots):
    browser.open(server.base + "/")
    # A result of the shape a multi-head model gives (components and categories beside the usual fields).
    result = {"score": 0.91, "flagged": True, "threshold": 0.5, "tokens": 12, "windows": 1, "truncated": False,
              "degraded": False, "labels": {"safe": 0.09, "unsafe": 0.91}, "model": "multi-head",
              "components": {"prompt_harm": 0.12, "response_harm": 0.91, "refusal": {"score": 0.03}},
              "categories": {"violence": True, "self_harm": False},
              "category_scores": {"violence": 0.88, "self_harm": 0.02, "hate": 0.01},
              "explanation": {"windows": [{"score": 0.91, "prompt": {"start": 0, "end": 5},
                                           "response": {"start": 0, "end": 9}}]}}
    browser.evaluate(f"window.rampartRender({json.dumps(result)}, {{prompt: 'hello', response: 'some text'}})")
    rows = browser.evaluate("""[...document.querySelectorAll('#components tr')].map(r =>
        [r.dataset.name, r.dataset.value === undefined ? null : Number(r.dataset.value)])""")
    assert rows == [["prompt_harm", 0.12], ["response_harm", 0.91], ["refusal.score", 0.03]]
    categories = browser.evaluate("""[...document.querySelectorAll('#categories tr')].map(r =>
        [r.dataset.name, Number(r.dataset.value), r.lastChild.textContent])""")
    assert categories == [["violence", 0.88, "flagged"], ["self_harm", 0.02, ""], ["hate", 0.01, ""]]
    assert browser.evaluate("document.getElementById('score').textContent") == "0.910"
    assert browser.evaluate("document.querySelectorAll('.heat-cell').length") == 1
    browser.screenshot(shots / "playground-components.png")

    # Rampart's own multi-head shape: categories lists the names reported true.
    result.update(components={"prompt_harm": 0.3, "compliance": 0.8, "response_harm": 0.95},
                  categories=["violence"], category_scores={"harassment": 0.1, "violence": 0.9})
    browser.evaluate(f"window.rampartRender({json.dumps(result)}, {{prompt: 'hello', response: 'some text'}})")
    assert browser.evaluate("[...document.querySelectorAll('#components tr')].map(r => r.dataset.name)") == [
        "prompt_harm", "compliance", "response_harm"]
    categories = browser.evaluate("""[...document.querySelectorAll('#categories tr')].map(r =>
        [r.dataset.name, Number(r.dataset.value), r.lastChild.textContent])""")
    assert categories == [["violence", 0.9, "flagged"], ["harassment", 0.1, ""]]
    # Per-window components and categories (explain on a multi-head model): the heat map can show any of them.
    result["explanation"] = {"windows": [
        {"score": 0.2, "prompt": {"start": 0, "end": 5}, "response": {"start": 0, "end": 4},
         "components": {"prompt_harm": 0.1}, "category_scores": {"violence": 0.05, "harassment": 0.7}},
        {"score": 0.9, "prompt": {"start": 0, "end": 5}, "response": {"start": 5, "end": 9},
         "components": {"prompt_harm": 0.1}, "category_scores": {"violence": 0.9, "harassment": 0.1}}]}
    browser.evaluate(f"window.rampartRender({json.dumps(result)}, {{prompt: 'hello', response: 'some text'}})")
    options = browser.evaluate("[...document.querySelectorAll('#heat-by option')].map(o => o.value)")
    assert options == ["score", "component:prompt_harm", "category:violence", "category:harassment"]
    browser.evaluate("""(() => { const s = document.getElementById('heat-by'); s.value = 'category:harassment';
        s.dispatchEvent(new Event('change', {bubbles: true})); })()""")
    assert browser.evaluate("[...document.querySelectorAll('.heat-cell')].map(c => Number(c.dataset.score))") == [0.7, 0.1]
    assert browser.evaluate("document.getElementById('heat-measure').textContent") == "category harassment per window"
    response_spans = browser.evaluate("""[...document.querySelectorAll('.text[data-text=response] .heat-span')].map(s =>
        [s.textContent, Number(s.dataset.score)])""")
    assert response_spans == [["some", 0.7], ["text", 0.1]]  # the space between was read by neither
    browser.screenshot(shots / "playground-heads.png")

    # A result without them hides both panels again.
    for key in ("components", "categories", "category_scores"):
        del result[key]
    browser.evaluate(f"window.rampartRender({json.dumps(result)}, {{prompt: 'hello', response: 'some text'}})")
    assert browser.evaluate("""['components-panel', 'categories-panel'].map(id =>
        document.getElementById(id).classList.contains('hidden'))""") == [True, True]


def test_playground_shows_the_servers_error(server, browser):
    fragment = urllib.parse.quote(json.dumps({"messages": [{"role": "user", "content": "hi"},
                                                           {"role": "system", "content": "x"}], "run": True}))
    browser.open(server.base + "/#" + fragment)
    browser.wait_for("document.body.dataset.state === 'error'")
    error = browser.evaluate("document.getElementById('error').textContent")
    assert error.startswith("422 invalid_conversation")
