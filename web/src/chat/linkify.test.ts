import { linkify } from './linkify';

describe('linkify', () => {
  it('when text has an https URL, then only the URL becomes a link', () => {
    expect(linkify('see https://example.org/a?b=1#c now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1#c', href: 'https://example.org/a?b=1#c' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('when a URL ends a sentence or sits in parentheses, then the punctuation stays text', () => {
    expect(linkify('(read http://example.org/x).')).toEqual([
      { kind: 'text', text: '(read ' },
      { kind: 'link', text: 'http://example.org/x', href: 'http://example.org/x' },
      { kind: 'text', text: ').' },
    ]);
    expect(linkify('https://en.wikipedia.org/wiki/Foo_(bar)')[0]).toMatchObject({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });

  it.each([
    'javascript://example.org/%0Aalert(1)',
    'data://text/html,<script>alert(1)</script>',
    'ftp://example.org/file',
    'file:///etc/passwd',
    'vbscript://x',
  ])('when text holds %s, then it stays plain text', (text) => {
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });

  it('when text contains markup, then it is returned unchanged as text', () => {
    const text = '<img src=x onerror=alert(1)> <b>bold</b>';
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });

  it('when a URL is followed by markup, then the markup is not part of the link', () => {
    expect(linkify('https://example.org/"><script>')).toEqual([
      { kind: 'link', text: 'https://example.org/', href: 'https://example.org/' },
      { kind: 'text', text: '"><script>' },
    ]);
  });

  it('when there is no URL, then the text is one segment', () => {
    expect(linkify('hello\nworld')).toEqual([{ kind: 'text', text: 'hello\nworld' }]);
    expect(linkify('')).toEqual([]);
  });
});
