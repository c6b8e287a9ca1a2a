// firefox_bridge.mjs: Firefox ESR driven by puppeteer-core over WebDriver BiDi (built into Firefox: no
// geckodriver), for the Python tests in tests/engines/ (tabs.py's FirefoxTab).
//
// One JSON request a line on stdin, {id, op, ...}; one reply a line on stdout, {id, value} or
// {id, error}. Ops: open {width, height, init} -> tab; goto {tab, url} (returns at once: the page goes
// on loading); eval {tab, src, arg} (src: a function's source, called with arg; a promise is awaited);
// click {tab, x, y}; keys {tab, text}; chord {tab, modifier, key};
// shot {tab, path}; messages {tab} (console errors and uncaught exceptions since open); close {tab}.
// The browser starts on the first line's `executable` and `headless` (op "launch").
import readline from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
const tabs = new Map();
let nextTab = 1;

const ops = {
  async launch({ executable, headless = true }) {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: executable,
      headless,
      protocol: "webDriverBiDi",
      protocolTimeout: 120_000,
    });
    return await browser.version();
  },
  async open({ width, height, init }) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width, height });
    const messages = [];
    page.on("console", (m) => {
      if (m.type() === "error") messages.push(m.text());
    });
    page.on("pageerror", (e) => messages.push(`uncaught: ${e.message || e}`));
    if (init) await page.evaluateOnNewDocument(init);
    const id = nextTab++;
    tabs.set(id, { page, context, messages });
    return id;
  },
  async goto({ tab, url }) {
    await tabs.get(tab).page.goto(url, { waitUntil: [] });
    return null;
  },
  async eval({ tab, src, arg }) {
    const fn = new Function(`return (${src});`)(); // node has no CSP; puppeteer sends fn's source
    return await tabs.get(tab).page.evaluate(fn, arg ?? null);
  },
  async click({ tab, x, y }) {
    await tabs.get(tab).page.mouse.click(x, y);
    return null;
  },
  async keys({ tab, text }) {
    await tabs.get(tab).page.keyboard.type(text);
    return null;
  },
  async chord({ tab, modifier, key }) {
    const kb = tabs.get(tab).page.keyboard;
    await kb.down(modifier);
    await kb.press(key);
    await kb.up(modifier);
    return null;
  },
  async shot({ tab, path }) {
    await tabs.get(tab).page.screenshot({ path });
    return null;
  },
  async messages({ tab }) {
    return tabs.get(tab).messages.slice();
  },
  async close({ tab }) {
    const t = tabs.get(tab);
    tabs.delete(tab);
    await t.context.close();
    return null;
  },
  async quit() {
    if (browser) await browser.close();
    browser = null;
    return null;
  },
};

const reply = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve(); // one request at a time, in order
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let req;
    try {
      req = JSON.parse(line);
      const value = await ops[req.op](req);
      reply({ id: req.id, value: value === undefined ? null : value });
    } catch (e) {
      reply({ id: req && req.id, error: String((e && e.stack) || e) });
    }
  });
});
lines.on("close", () => {
  queue.then(async () => {
    if (browser) await browser.close().catch(() => {});
    process.exit(0);
  });
});
