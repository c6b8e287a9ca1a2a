"""The Python code editor component (site/js/app/code-editor.js, CodeMirror 6 self-hosted).

Most tests open a bare page of the built site's origin (served by a Playwright route) that carries
check.html's Content-Security-Policy <meta> tag and the server's CSP header, with nothing else
running, and `import()` the component into it; one test does the same inside check.html itself
while Python (Pyodide) runs in its worker. A `securitypolicyviolation` listener (an init script)
turns any CSP violation into a console error, and the `page` fixture records console errors and
every request (any request to another host is aborted and listed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import wait_for_status

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HARNESS = "code-editor-harness.html"
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]+">')
LABEL = "Python code: init for the left network"
EXAMPLE = '''def init(fan_in, fan_out, rng):
    """Weights of one layer, shape (fan_in, fan_out). rng is a numpy Generator."""
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))'''
LISTEN_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));"""

# Creates an editor in #host; window.ce = {ed, changes, runs}. A function, never a string to eval.
CREATE = """async ([opts, url]) => {
  const { createCodeEditor } = await import(new URL(url, location.href).href);
  const ce = window.ce = { changes: [], runs: [] };
  ce.ed = await createCodeEditor(document.getElementById("host"), { ...opts,
    onChange: (code) => ce.changes.push(code), onRun: (code) => ce.runs.push(code) });
  return true;
}"""
COMPONENT = "js/app/code-editor.js"


def harness_html(dist_dir: Path) -> str:
    meta = META.search((dist_dir / "check.html").read_text()).group(0)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{meta}
<title>code editor test</title>
<link rel="stylesheet" href="css/base.css"><link rel="stylesheet" href="css/lab.css">
</head><body><main>
<h1>Editor</h1><button id="before" type="button">before</button>
<div id="host"></div>
<button id="after" type="button">after</button>
</main></body></html>"""


def open_harness(pg, server_url, dist_dir, build_module, opts=None):
    html = harness_html(dist_dir)
    pg.route(
        server_url + HARNESS,
        lambda route: route.fulfill(
            status=200,
            body=html,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": build_module.CSP},
        ),
    )
    pg.add_init_script(LISTEN_CSP)
    pg.goto(server_url + HARNESS)
    pg.evaluate(CREATE, [{"doc": EXAMPLE, "label": LABEL, **(opts or {})}, COMPONENT])
    pg.wait_for_selector(".code-editor .cm-content")
    return pg


@pytest.fixture
def editor(page, server_url, dist_dir, build_module):
    yield open_harness(page, server_url, dist_dir, build_module)
    assert page.console_errors == []
    assert page.external_requests == []


def code(pg) -> str:
    return pg.evaluate("() => window.ce.ed.getCode()")


def active(pg) -> str:
    """Where the keyboard focus is: 'editor', or the focused element's id."""
    return pg.evaluate(
        "() => document.activeElement.closest('.cm-editor') ? 'editor' : document.activeElement.id"
    )


def test_example_renders_with_line_numbers_and_highlighting(editor, server_url):
    pg = editor
    assert code(pg) == EXAMPLE
    numbers = pg.locator(".cm-lineNumbers .cm-gutterElement:visible").all_inner_texts()
    assert [n for n in numbers if n.strip()] == ["1", "2", "3"]
    assert pg.locator(".cm-content .cm-line").count() == 3
    keywords = pg.locator(".cm-content .tok-keyword").all_inner_texts()
    assert "def" in keywords and "return" in keywords
    assert pg.locator(".cm-content .tok-def").inner_text() == "init"
    assert pg.locator(".cm-content .tok-string").first.inner_text().startswith('"""Weights')
    assert pg.locator(".cm-content .tok-atom").all_inner_texts()[:2] == ["0.0", "1.0"]
    colour = lambda sel: pg.eval_on_selector(sel, "(e) => getComputedStyle(e).color")  # noqa: E731
    plain = pg.eval_on_selector(".cm-content .cm-line", "(e) => getComputedStyle(e).color")
    assert len({plain, colour(".tok-keyword"), colour(".tok-string"), colour(".tok-def")}) == 4
    # the accessible name, and a textbox role for screen readers
    box = pg.get_by_role("textbox", name=LABEL)
    assert box.count() == 1 and box.get_attribute("aria-multiline") == "true"
    assert box.get_attribute("aria-readonly") is None
    # the bundle came from this origin, from the file build-manifest.json names
    manifest = pg.evaluate("() => fetch('build-manifest.json').then((r) => r.json())")
    assert any(u == server_url + manifest["codemirror"] for u in pg.requests)
    # the stylesheet was linked once, by the component
    assert pg.locator('link[href$="css/code-editor.css"]').count() == 1


def test_typing_indents_python_with_four_spaces(editor):
    pg = editor
    pg.evaluate("() => window.ce.ed.setCode('def f(x):')")
    assert pg.evaluate("() => window.ce.changes.length") == 0, "setCode is not a user edit"
    pg.get_by_role("textbox", name=LABEL).click()
    pg.keyboard.press("Control+End")
    pg.keyboard.press("Enter")
    pg.keyboard.type("y = [x, (x + 1)")
    assert code(pg) == "def f(x):\n    y = [x, (x + 1)"
    pg.keyboard.type("]")
    pg.keyboard.press("Enter")
    pg.keyboard.type("return y")
    assert code(pg) == "def f(x):\n    y = [x, (x + 1)]\n    return y"
    # bracket matching: the cursor after "]" highlights the "[" it closes
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("End")
    assert pg.locator(".cm-matchingBracket").count() == 2
    # Tab indents (4 spaces) while editing; Shift+Tab dedents
    pg.keyboard.press("Home")
    pg.keyboard.press("Tab")
    assert code(pg).splitlines()[1] == "        y = [x, (x + 1)]"
    pg.keyboard.press("Shift+Tab")
    assert code(pg).splitlines()[1] == "    y = [x, (x + 1)]"
    assert active(pg) == "editor"
    changes = pg.evaluate("() => window.ce.changes")
    assert changes and changes[-1] == code(pg)
    # Ctrl+Z undoes the user's edits, not the setCode before them
    for _ in range(40):
        pg.keyboard.press("Control+z")
    assert code(pg) == "def f(x):"


def test_escape_then_tab_leaves_the_editor_and_shift_tab_reenters(editor):
    pg = editor
    pg.click("#before")
    pg.keyboard.press("Tab")
    assert active(pg) == "editor"
    # the focus ring: the site's 3 px outline on the whole editor (CodeMirror sets .cm-focused soon after focus)
    pg.wait_for_selector(".cm-editor.cm-focused")
    outline = pg.eval_on_selector(
        ".cm-editor", "(e) => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert outline == ["solid", "3px"]
    pg.keyboard.press("Tab")  # indents: no keyboard trap thanks to Escape
    assert active(pg) == "editor" and code(pg).startswith("    def init")
    pg.keyboard.press("Escape")
    pg.keyboard.press("Tab")
    assert active(pg) == "after"
    assert code(pg).startswith("    def init"), "the Tab that left must not indent"
    pg.keyboard.press("Shift+Tab")
    assert active(pg) == "editor"
    pg.keyboard.press("Escape")
    pg.keyboard.press("Shift+Tab")
    assert active(pg) == "before"
    pg.wait_for_selector(".cm-editor:not(.cm-focused)")
    no_ring = pg.eval_on_selector(".cm-editor", "(e) => getComputedStyle(e).outlineStyle")
    assert no_ring == "none"
    # the hint under the editor says how, and the editor points to it
    hint = pg.locator(".code-editor-hint")
    assert "Esc then Tab" in hint.inner_text()
    described = pg.get_by_role("textbox", name=LABEL).get_attribute("aria-describedby").split()
    assert hint.get_attribute("id") in described


def test_ctrl_enter_calls_on_run_and_inserts_nothing(editor):
    pg = editor
    pg.get_by_role("textbox", name=LABEL).click()
    pg.keyboard.press("Control+Enter")
    assert pg.evaluate("() => window.ce.runs") == [EXAMPLE]
    assert code(pg) == EXAMPLE


def test_show_error_marks_the_line_and_announces_the_message(editor):
    pg = editor
    box = pg.get_by_role("textbox", name=LABEL)
    msg = pg.locator(".code-editor-error")
    assert msg.get_attribute("aria-live") == "polite" and msg.inner_text() == ""
    assert msg.get_attribute("id") in box.get_attribute("aria-describedby").split()
    assert box.get_attribute("aria-invalid") is None
    pg.evaluate("() => window.ce.ed.showError({line: 2, column: 5, message: 'SyntaxError: invalid syntax'})")
    lines = pg.locator(".cm-content .cm-line")
    assert [lines.nth(i).evaluate("(e) => e.classList.contains('cm-error-line')") for i in range(3)] == [
        False,
        True,
        False,
    ]
    assert pg.locator(".cm-error-at").inner_text() == '"'  # column 5 of line 2: the docstring's first quote
    markers = pg.locator(".cm-error-gutter .cm-gutterElement:visible .cm-error-marker")
    assert markers.count() == 1
    # the marker sits on line 2 (same vertical position as line 2's number)
    y = lambda loc: round(loc.bounding_box()["y"])  # noqa: E731
    assert (
        abs(
            y(
                pg.locator(".cm-error-gutter .cm-gutterElement:visible").filter(
                    has=pg.locator(".cm-error-marker")
                )
            )
            - y(lines.nth(1))
        )
        <= 2
    )
    assert msg.inner_text() == "Line 2, column 5: SyntaxError: invalid syntax"
    assert msg.is_visible()
    assert box.get_attribute("aria-invalid") == "true"
    assert pg.locator(".code-editor").get_attribute("data-error-line") == "2"
    # the marks stay on the statement when a line is inserted above it
    box.click()
    pg.keyboard.press("Control+Home")
    pg.keyboard.press("Enter")
    assert [lines.nth(i).evaluate("(e) => e.classList.contains('cm-error-line')") for i in range(4)] == [
        False,
        False,
        True,
        False,
    ]
    # clearError removes everything
    pg.evaluate("() => window.ce.ed.clearError()")
    assert pg.locator(".cm-error-line").count() == 0 and markers.count() == 0
    assert msg.inner_text() == "" and not msg.is_visible()
    assert box.get_attribute("aria-invalid") is None
    # a message without a line (e.g. a wrong shape) marks no line; a line past the end marks the last
    pg.evaluate("() => window.ce.ed.showError({message: 'expected shape (2, 8), got (8, 2)'})")
    assert (
        msg.inner_text() == "expected shape (2, 8), got (8, 2)" and pg.locator(".cm-error-line").count() == 0
    )
    assert box.get_attribute("aria-invalid") == "true" and markers.count() == 0
    assert pg.locator(".code-editor").get_attribute("data-error-line") is None
    pg.evaluate("() => window.ce.ed.showError({line: 99, message: 'SyntaxError: unexpected EOF'})")
    assert lines.nth(3).evaluate("(e) => e.classList.contains('cm-error-line')")
    assert msg.inner_text() == "Line 4: SyntaxError: unexpected EOF"
    # setCode clears the error too
    pg.evaluate("() => window.ce.ed.setCode('x = 1')")
    assert pg.locator(".cm-error-line").count() == 0 and msg.inner_text() == ""


def test_read_only_shows_code_without_a_tab_trap(page, server_url, dist_dir, build_module):
    pg = open_harness(page, server_url, dist_dir, build_module, {"readOnly": True})
    box = pg.get_by_role("textbox", name=LABEL)
    assert box.get_attribute("aria-readonly") == "true"
    pg.click("#before")
    pg.keyboard.press("Tab")
    assert active(pg) == "editor"
    pg.keyboard.type("zzz")
    pg.keyboard.press("Enter")
    assert code(pg) == EXAMPLE
    pg.keyboard.press("Control+Enter")  # running is allowed (an explicit action); editing is not
    assert pg.evaluate("() => window.ce.runs") == [EXAMPLE]
    pg.keyboard.press("Tab")  # nothing to indent: Tab moves on
    assert active(pg) == "after"
    # setReadOnly(false) makes it editable, with Tab indenting again
    pg.evaluate("() => window.ce.ed.setReadOnly(false)")
    assert box.get_attribute("aria-readonly") is None
    box.click()
    pg.keyboard.press("Control+Home")
    pg.keyboard.type("# mine\n")
    assert code(pg) == "# mine\n" + EXAMPLE
    pg.keyboard.press("Tab")
    assert active(pg) == "editor"
    assert page.console_errors == [] and page.external_requests == []


def test_destroy_removes_the_editor(editor):
    pg = editor
    pg.evaluate("() => window.ce.ed.destroy()")
    assert pg.locator(".code-editor").count() == 0
    assert pg.locator("#host").inner_html() == ""


def test_a_390px_phone_shows_all_code_without_sideways_scrolling(browser, server_url, dist_dir, build_module):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_harness(pg, server_url, dist_dir, build_module)
    pg.evaluate(
        "() => window.ce.ed.showError({line: 3, column: 12, message: 'NameError: name \\'np\\' is not defined'})"
    )
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
    box = pg.locator(".code-editor .cm-editor").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # long lines wrap instead of hiding behind a horizontal scrollbar
    assert pg.eval_on_selector(".cm-scroller", "(e) => e.scrollWidth <= e.clientWidth")
    assert (
        pg.eval_on_selector(".cm-editor", "(e) => getComputedStyle(e).fontSize") == "16px"
    )  # no zoom on focus
    msg = pg.locator(".code-editor-error").bounding_box()
    assert msg["x"] + msg["width"] <= 390
    assert errors == []
    context.close()


def test_no_serious_accessibility_violations(browser, server_url, dist_dir, build_module):
    assert AXE.exists(), "npm ci installs axe-core (pinned in package.json)"
    # axe is injected as an inline script: test tooling only, so this context bypasses the CSP
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    open_harness(pg, server_url, dist_dir, build_module)
    pg.evaluate("() => window.ce.ed.showError({line: 2, column: 5, message: 'SyntaxError: invalid syntax'})")
    pg.get_by_role("textbox", name=LABEL).focus()
    pg.add_script_tag(path=str(AXE))
    violations = pg.evaluate("""() => window.axe.run(document.querySelector('.code-editor'),
        {resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))})))""")
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    context.close()


def test_editor_in_check_html_while_python_runs(page, server_url):
    """The real page: check.html (its CSP meta + header), Python booted in its worker."""
    page.add_init_script(LISTEN_CSP)
    page.goto(server_url + "check.html")
    assert wait_for_status(page) == "ready", page.inner_text("#boot")
    page.evaluate(
        "() => { const d = document.createElement('div'); d.id = 'host'; document.getElementById('app').append(d); }"
    )
    page.evaluate(CREATE, [{"doc": EXAMPLE, "label": LABEL}, COMPONENT])
    box = page.get_by_role("textbox", name=LABEL)
    box.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("x = 1")
    assert code(page) == EXAMPLE + "\n    x = 1"
    page.keyboard.press("Control+Enter")
    assert page.evaluate("() => window.ce.runs.length") == 1
    page.evaluate("() => window.ce.ed.showError({line: 2, message: 'IndentationError'})")
    assert page.locator(".cm-error-line").count() == 1
    assert page.console_errors == []
    assert page.external_requests == []
    assert any("/vendor/codemirror-" in u for u in page.requests)
