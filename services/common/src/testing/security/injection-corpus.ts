// Injection corpora for the OpenAPI-driven suites: every query parameter and every body field of
// every route gets each value. A value is either JSON (placed in a body field) or query-string
// text (placed in a parameter); `queryStringInjections` also covers what only a query string can
// carry: bracketed operator keys (`a[$ne]=1`), repeated names, prototype keys.
//
// What a service must do with them: refuse (4xx — 400 where the schema rejects) without any
// effect, or, in a free-text field where the value is legitimate text, store it verbatim. Never a
// 5xx, never a changed row or document beyond what the request legitimately asked for.

export interface InjectionValue {
  id: string;
  /** As JSON, for body fields. */
  value: unknown;
}

/** MongoDB operator objects and operator-looking strings (what `{"$gt":""}` attacks look like). */
export const nosqlInjectionValues: readonly InjectionValue[] = [
  { id: 'nosql $gt empty', value: { $gt: '' } },
  { id: 'nosql $ne null', value: { $ne: null } },
  { id: 'nosql $ne 1', value: { $ne: 1 } },
  { id: 'nosql $where sleep', value: { $where: 'sleep(2000) || true' } },
  { id: 'nosql $where function', value: { $where: 'function() { return true; }' } },
  { id: 'nosql $regex any', value: { $regex: '.*' } },
  { id: 'nosql $regex options', value: { $regex: '^a', $options: 'i' } },
  { id: 'nosql $in', value: { $in: ['admin', 'root', ''] } },
  { id: 'nosql $nin empty', value: { $nin: [] } },
  { id: 'nosql $exists', value: { $exists: true } },
  { id: 'nosql $expr', value: { $expr: { $eq: [1, 1] } } },
  { id: 'nosql $or', value: { $or: [{ a: 1 }, { b: { $gt: '' } }] } },
  { id: 'nosql nested operator', value: { a: { $gt: '' } } },
  { id: 'nosql array', value: ['a', 'b'] },
  { id: 'nosql array of operator', value: [{ $gt: '' }] },
  { id: 'nosql __proto__', value: JSON.parse('{"__proto__":{"admin":true}}') as unknown },
  { id: 'nosql constructor.prototype', value: { constructor: { prototype: { admin: true } } } },
  { id: 'nosql operator text', value: '{"$gt":""}' },
  { id: 'nosql $where text', value: "'; return true; var x='" },
  { id: 'nosql js loop text', value: '1; while(true){}' },
  { id: 'nosql regex text', value: '/.*/' },
  { id: 'nosql $ne text', value: '[$ne]=1' },
  { id: 'nosql null', value: null },
  { id: 'nosql boolean', value: true },
  { id: 'nosql number', value: 0 },
];

/** Classic SQL injection strings (Postgres, MySQL and generic), as text. */
export const sqlInjectionStrings: readonly string[] = [
  "' OR '1'='1",
  "' OR 1=1--",
  "admin'--",
  "') OR ('1'='1",
  '" OR ""="',
  "'; DROP TABLE users; --",
  "'; DROP TABLE rooms; --",
  '1; DROP SCHEMA auth CASCADE; --',
  "'; SELECT pg_sleep(3); --",
  "1' AND (SELECT pg_sleep(3)) IS NULL--",
  "' UNION SELECT NULL, NULL, NULL--",
  "' UNION SELECT username, password_hash FROM auth.users--",
  '$$; DROP TABLE messages; $$',
  "E'\\x27 OR 1=1",
  "1' AND SLEEP(3)#",
  '%27%20OR%201%3D1--',
  "\\'; DROP TABLE rooms; --",
  "'||(SELECT current_user)||'",
  '1e309',
  '-1',
  '0x27',
];

export const sqlInjectionValues: readonly InjectionValue[] = sqlInjectionStrings.map((s) => ({
  id: `sql ${s}`,
  value: s,
}));

/**
 * Characters that break storage or protocols rather than queries: NUL (Postgres text cannot hold
 * it), CR/LF (header and log injection), terminal escapes (log viewers).
 */
export const controlCharacterValues: readonly InjectionValue[] = [
  { id: 'control NUL', value: 'a\u0000b' },
  { id: 'control CRLF header', value: 'a\r\nSet-Cookie: admin=1' },
  { id: 'control terminal escape', value: '\u001b[31mred\u001b[0m' },
];

/** All three corpora, for body fields. */
export const injectionValues: readonly InjectionValue[] = [
  ...nosqlInjectionValues,
  ...sqlInjectionValues,
  ...controlCharacterValues,
];

export interface QueryInjection {
  id: string;
  /** The raw query string (no `?`) that puts the attack on parameter `name`. */
  query: (name: string) => string;
}

const q = (text: string): string => encodeURIComponent(text);

/** Query-string shapes: operator keys, arrays, prototype keys, and both corpora as values. */
export const queryStringInjections: readonly QueryInjection[] = [
  { id: 'a[$ne]=1', query: (n) => `${n}[$ne]=1` },
  { id: 'a[$gt]=', query: (n) => `${n}[$gt]=` },
  { id: 'a[$regex]=.*', query: (n) => `${n}[$regex]=.*` },
  { id: 'a[$where]=1', query: (n) => `${n}[$where]=1` },
  { id: 'a[$in][]=x', query: (n) => `${n}[$in][]=x` },
  { id: 'a[]=1', query: (n) => `${n}[]=1` },
  { id: 'a[0]=1', query: (n) => `${n}[0]=1` },
  { id: 'a=1&a=2 (array)', query: (n) => `${n}=1&${n}=2` },
  { id: 'url-encoded brackets', query: (n) => `${n}%5B%24ne%5D=1` },
  { id: '$where=… alongside', query: (n) => `${n}=1&$where=sleep(1000)` },
  { id: '__proto__[admin]=true', query: (n) => `${n}=1&__proto__[admin]=true` },
  { id: 'constructor[prototype]', query: (n) => `${n}=1&constructor[prototype][admin]=true` },
  ...nosqlInjectionValues
    .filter((v) => typeof v.value === 'string')
    .map((v) => ({ id: `${v.id} as value`, query: (n: string) => `${n}=${q(v.value as string)}` })),
  ...nosqlInjectionValues
    .filter((v) => typeof v.value === 'object' && v.value !== null)
    .slice(0, 6)
    .map((v) => ({
      id: `${v.id} as JSON text`,
      query: (n: string) => `${n}=${q(JSON.stringify(v.value))}`,
    })),
  ...sqlInjectionStrings.map((s) => ({ id: `sql ${s}`, query: (n: string) => `${n}=${q(s)}` })),
];
