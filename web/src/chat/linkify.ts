// Splits message text into plain text and http(s) links. Rendering uses these segments as React
// text and <a> elements only: no markup in a message is ever interpreted.
export type TextSegment =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A URL candidate: a scheme, then anything up to whitespace or characters that cannot end a URL
// in running text. Only http and https survive the check below.
const candidate = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"'`]+/gi;
const trailing = /[.,;:!?*_~]+$/;

export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let cursor = 0;
  for (const match of text.matchAll(candidate)) {
    const raw = trimUrl(match[0]);
    const href = safeHref(raw);
    if (href === undefined) continue;
    const start = match.index;
    if (start > cursor) segments.push({ kind: 'text', text: text.slice(cursor, start) });
    segments.push({ kind: 'link', text: raw, href });
    cursor = start + raw.length;
  }
  if (cursor < text.length) segments.push({ kind: 'text', text: text.slice(cursor) });
  return mergeText(segments);
}

/** Drops punctuation that ends the sentence rather than the URL, and unbalanced ')' or ']'. */
function trimUrl(url: string): string {
  let result = url.replace(trailing, '');
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    while (result.endsWith(close) && count(result, close) > count(result, open)) {
      result = result.slice(0, -1).replace(trailing, '');
    }
  }
  return result;
}

const count = (text: string, char: string) => text.split(char).length - 1;

/** The normalised URL when it is http(s) with a host; undefined for anything else. */
export function safeHref(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  return url.href;
}

function mergeText(segments: TextSegment[]): TextSegment[] {
  const merged: TextSegment[] = [];
  for (const segment of segments) {
    const previous = merged.at(-1);
    if (segment.kind === 'text' && previous?.kind === 'text') previous.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}
