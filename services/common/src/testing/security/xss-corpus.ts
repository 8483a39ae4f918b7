// Markup and script that must come back from the APIs verbatim and render as inert text in the
// browser. Every payload that could run sets `window.__xss` (or opens a dialog) when it does, so a
// browser test proves inertness by that flag staying undefined and no dialog opening, beyond
// looking for injected elements.
//
// Payloads are stored through the real APIs, so each one is valid input: no leading or trailing
// whitespace (texts are trimmed), no NUL, at most 4000 characters (a message); `fitsRoomName`
// marks those of at most 64 characters (a room name; a topic takes 256).

export interface XssPayload {
  id: string;
  /** The vector family, for reports. */
  vector:
    | 'script'
    | 'event-handler'
    | 'javascript-url'
    | 'svg'
    | 'html-context-escape'
    | 'encoding'
    | 'polyglot'
    | 'unicode'
    | 'template';
  payload: string;
}

/** The flag a payload sets when it runs. */
export const XSS_FLAG = '__xss';

const run = `window.${XSS_FLAG}=1`;

export const xssCorpus: readonly XssPayload[] = [
  { id: 'script-tag', vector: 'script', payload: `<script>${run}</script>` },
  {
    id: 'script-src',
    vector: 'script',
    payload: '<script src="data:text/javascript,window.__xss=1"></script>',
  },
  { id: 'script-mixed-case', vector: 'script', payload: `<ScRiPt>${run}</sCrIpT>` },
  { id: 'script-split', vector: 'script', payload: `<scr<script>ipt>${run}</scr</script>ipt>` },
  { id: 'img-onerror', vector: 'event-handler', payload: `<img src=x onerror="${run}">` },
  { id: 'img-onerror-alert', vector: 'event-handler', payload: '<img src=x onerror=alert(1)>' },
  { id: 'body-onload', vector: 'event-handler', payload: `<body onload="${run}">` },
  { id: 'input-autofocus', vector: 'event-handler', payload: `<input autofocus onfocus="${run}">` },
  {
    id: 'details-ontoggle',
    vector: 'event-handler',
    payload: `<details open ontoggle="${run}">x</details>`,
  },
  {
    id: 'video-source-onerror',
    vector: 'event-handler',
    payload: `<video><source onerror="${run}"></video>`,
  },
  {
    id: 'div-onmouseover',
    vector: 'event-handler',
    payload: `<div onmouseover="${run}">hover me</div>`,
  },
  {
    id: 'a-javascript-href',
    vector: 'javascript-url',
    payload: `<a href="javascript:${run}">click</a>`,
  },
  { id: 'bare-javascript-url', vector: 'javascript-url', payload: `javascript:${run}` },
  {
    id: 'javascript-url-entities',
    vector: 'javascript-url',
    payload: `<a href="&#106;avascript:${run}">x</a>`,
  },
  { id: 'javascript-url-tab', vector: 'javascript-url', payload: `java\tscript:${run}` },
  {
    id: 'data-url-html',
    vector: 'javascript-url',
    payload: 'data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==',
  },
  {
    id: 'iframe-javascript',
    vector: 'javascript-url',
    payload: `<iframe src="javascript:${run}"></iframe>`,
  },
  {
    id: 'iframe-srcdoc',
    vector: 'javascript-url',
    payload: `<iframe srcdoc="<script>parent.${run}</script>"></iframe>`,
  },
  {
    id: 'object-data',
    vector: 'javascript-url',
    payload: `<object data="javascript:${run}"></object>`,
  },
  {
    id: 'form-action',
    vector: 'javascript-url',
    payload: `<form action="javascript:${run}"><button>go</button></form>`,
  },
  {
    id: 'meta-refresh',
    vector: 'javascript-url',
    payload: `<meta http-equiv="refresh" content="0;url=javascript:${run}">`,
  },
  { id: 'svg-onload', vector: 'svg', payload: `<svg onload="${run}">` },
  { id: 'svg-slash', vector: 'svg', payload: `<svg/onload=${run}>` },
  { id: 'svg-script', vector: 'svg', payload: `<svg><script>${run}</script></svg>` },
  {
    id: 'svg-animate',
    vector: 'svg',
    payload: `<svg><animate onbegin="${run}" attributeName=x dur=1s>`,
  },
  {
    id: 'svg-a-xlink',
    vector: 'svg',
    payload: `<svg><a xlink:href="javascript:${run}"><text y=20>x</text></a></svg>`,
  },
  {
    id: 'math-mglyph-mxss',
    vector: 'svg',
    payload: `<math><mtext><table><mglyph><style><img src=x onerror="${run}">`,
  },
  {
    id: 'attribute-breakout',
    vector: 'html-context-escape',
    payload: `"><img src=x onerror="${run}">`,
  },
  { id: 'single-quote-breakout', vector: 'html-context-escape', payload: `'><svg onload=${run}>` },
  {
    id: 'textarea-breakout',
    vector: 'html-context-escape',
    payload: `</textarea><script>${run}</script>`,
  },
  {
    id: 'title-breakout',
    vector: 'html-context-escape',
    payload: `</title><script>${run}</script>`,
  },
  {
    id: 'style-breakout',
    vector: 'html-context-escape',
    payload: `</style><script>${run}</script>`,
  },
  {
    id: 'comment-breakout',
    vector: 'html-context-escape',
    payload: `<!--<img src="--><img src=x onerror="${run}">`,
  },
  { id: 'js-string-breakout', vector: 'html-context-escape', payload: `';${run};//` },
  {
    id: 'style-expression',
    vector: 'html-context-escape',
    payload: `<div style="background:url(javascript:${run})">x</div>`,
  },
  {
    id: 'html-entities',
    vector: 'encoding',
    payload: '&lt;script&gt;window.__xss=1&lt;/script&gt;',
  },
  {
    id: 'numeric-entities',
    vector: 'encoding',
    payload: '&#60;img src=x onerror=window.__xss=1&#62;',
  },
  { id: 'url-encoded', vector: 'encoding', payload: '%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E' },
  {
    id: 'double-url-encoded',
    vector: 'encoding',
    payload: '%253Cscript%253Ewindow.__xss%253D1%253C%252Fscript%253E',
  },
  {
    id: 'js-escapes',
    vector: 'encoding',
    payload: '\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e',
  },
  {
    id: 'polyglot-0xsobky',
    vector: 'polyglot',
    payload:
      'jaVasCript:/*-/*`/*\\`/*\'/*"/**/(/* */oNcliCk=window.__xss=1 )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=window.__xss=1//>\\x3e',
  },
  {
    id: 'polyglot-attributes',
    vector: 'polyglot',
    payload: `'"--></style></script><svg/onload=${run}><img src=x onerror=${run}>`,
  },
  { id: 'polyglot-short', vector: 'polyglot', payload: `'';!--"<XSS>=&{()}` },
  { id: 'fullwidth-brackets', vector: 'unicode', payload: `＜script＞${run}＜/script＞` },
  { id: 'small-form-brackets', vector: 'unicode', payload: `﹤script﹥${run}﹤/script﹥` },
  { id: 'zero-width-in-tag', vector: 'unicode', payload: `<scr\u200Bipt>${run}</scr\u200Bipt>` },
  {
    id: 'right-to-left-override',
    vector: 'unicode',
    payload: `\u202E<img src=x onerror="${run}">\u202C`,
  },
  { id: 'combining-marks', vector: 'unicode', payload: `<i\u0301mg src=x onerror="${run}">` },
  { id: 'astral-and-emoji', vector: 'unicode', payload: `😀<img src=x onerror="${run}">𝕏` },
  { id: 'line-separator', vector: 'unicode', payload: `a\u2028<script>${run}</script>\u2029b` },
  {
    id: 'angular-template',
    vector: 'template',
    payload: `{{constructor.constructor('${run}')()}}`,
  },
  { id: 'js-template-literal', vector: 'template', payload: '${window.__xss=1}' },
  { id: 'markdown-link', vector: 'template', payload: `[click](javascript:${run})` },
  { id: 'markdown-image', vector: 'template', payload: `![x](x" onerror="${run})` },
];

/**
 * Payloads that can be room names: at most 64 characters (UTF-16 units, as the schema counts)
 * and distinct regardless of case (names are unique case-insensitively).
 */
export function xssRoomNames(): XssPayload[] {
  const seen = new Set<string>();
  return xssCorpus.filter((p) => {
    const key = p.payload.toLowerCase();
    if (p.payload.length > 64 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
