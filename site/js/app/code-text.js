// code-text.js: the reader's init code as text — the example and its form in the URL (UTF-8 as base64url,
// no padding), shared by the code panel and the runner. Which setting holds a side's code is the rule
// book's (schema.codeKey).
export const MAX_CODE_BYTES = 4096;
// what a side whose init is "python" runs while its code setting is empty (the editor shows it too)
export const EXAMPLE = `def init(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
`; // no comments: the hint and the chapter say what it does, in the page's language

/** UTF-8 text -> base64url (no padding), and back (null when it is not valid base64url UTF-8). */
export function encodeCode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
export function decodeCode(value) {
  if (!value) return "";
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  try {
    const bin = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}
export const codeBytes = (text) => new TextEncoder().encode(text).length;
