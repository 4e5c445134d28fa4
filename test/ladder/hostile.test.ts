/** Wire text with escape sequences and markup never reaches any output raw. */
import { describe, expect, it } from 'vitest';
import { renderCallsJson } from '../../src/export/calls-json.js';
import { renderHtml } from '../../src/export/html.js';
import { codeFence, escapeMarkdownInline, renderMarkdown } from '../../src/export/markdown.js';
import { renderMermaid } from '../../src/export/mermaid.js';
import { renderTextLadder } from '../../src/export/text-ladder.js';
import { layoutLadder } from '../../src/view/ladder.js';
import { fakeMessage } from '../correlate/fake-message.js';
import { correlate, sip } from './build.js';

const A = '10.0.0.1:5060';
const B = '10.0.0.2:5060';
const EVIL_ID = 'id\x1b[2J\x9b31m\x07<script>alert(1)</script>```|x';

function hostileCalls() {
  const common = { callId: EVIL_ID, cseq: 1, src: A, dst: B, fromTag: 'f', branch: 'z9hG4bK-h', fromHeader: '"Eve\x1b]0;pwned\x07" <sip:eve@example.com>' };
  return correlate([
    fakeMessage({ ...common, method: 'INVITE', atMs: 0, headers: [['Subject', 'hi\x1b[31m red']] }),
    fakeMessage({ ...common, src: B, dst: A, status: 480, reason: 'Gone ```\x1b[2J <img src=x onerror=alert(2)> & more', cseqMethod: 'INVITE', toTag: 't', atMs: 10 }),
  ]);
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('hostile wire text', () => {
  const calls = hostileCalls();
  const layout = layoutLadder({ calls, aliases: new Map([[A, 'al\x1b[2Jias']]) });

  it('text ladder (with raw messages) shows escapes visibly', () => {
    for (const ascii of [false, true]) {
      const text = renderTextLadder(layout, { raw: true, ascii });
      expect(text).not.toMatch(CONTROL);
      expect(text).toContain('\\x1b[2J');
      expect(text).toContain('Gone ```\\x1b[2J <img src=x onerror=alert(2)> & more');
      expect(text).toContain('hi\\x1b[31m red');
    }
  });

  it('markdown keeps the fence closed and escapes text outside it', () => {
    const md = renderMarkdown(layout, { raw: true, mermaid: true });
    expect(md).not.toMatch(CONTROL);
    // outside code fences (where Markdown is live) there is no markup from the wire
    const outside = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
    expect(outside).toContain('## Call 1');
    // (a backslash-escaped `\<` is literal text in CommonMark)
    expect(outside).not.toMatch(/(^|[^\\])<script>/m);
    expect(outside).not.toMatch(/(^|[^\\])<img/m);
    expect(outside).toContain('\\<script\\>');
    // the ladder holds ``` so its fence is longer, and no inner line can close it
    const lines = md.split('\n');
    const open = lines.indexOf('````');
    expect(open).toBeGreaterThan(0);
    const close = lines.indexOf('````', open + 1);
    expect(close).toBeGreaterThan(open + 5);
    for (const l of lines.slice(open + 1, close)) expect(l.trimStart().startsWith('````')).toBe(false);
    expect(lines.slice(open + 1, close).join('\n')).toContain('Gone ```');
    expect(codeFence('a ````` b')).toBe('``````');
    expect(escapeMarkdownInline('a|b<c>*d*')).toBe('a\\|b\\<c\\>\\*d\\*');
  });

  it('html escapes markup and control characters; only its own script runs', () => {
    const html = renderHtml(layout, { title: 'x</title><script>' });
    expect(html).not.toMatch(CONTROL);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt; &amp; more');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('mermaid and JSON carry no raw control characters', () => {
    expect(renderMermaid(layout)).not.toMatch(CONTROL);
    const json = renderCallsJson(calls);
    expect(json).not.toMatch(CONTROL);
    expect(JSON.parse(json).calls[0].call_id).toBe(EVIL_ID);
  });

  it('a real parsed message with an escape in a header value is shown escaped', () => {
    const m = sip({ line: 'OPTIONS', src: A, dst: B, atMs: 0, callId: 'x\x1b[2Jy' });
    const text = renderTextLadder(layoutLadder({ calls: correlate([m]) }), { raw: true });
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('x\\x1b[2Jy');
  });
});
