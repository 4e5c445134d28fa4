/**
 * Every Mermaid output must parse with Mermaid's own parser (mermaid.parse runs under plain
 * Node, no DOM needed). Needs the `mermaid` devDependency.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escapeMermaidText, renderMermaid } from '../../src/export/mermaid.js';
import { layoutLadder } from '../../src/view/ladder.js';
import { fakeMessage } from '../correlate/fake-message.js';
import { correlate, SDP_OFFER, sip, stream } from './build.js';

interface MermaidApi {
  parse(text: string): Promise<unknown>;
}

/** Imported by a computed name so the type-check does not need mermaid's types. */
const MERMAID_MODULE = 'mermaid';

async function loadMermaid(): Promise<MermaidApi> {
  try {
    const mod = (await import(MERMAID_MODULE)) as { default: MermaidApi };
    return mod.default;
  } catch (e) {
    throw new Error(`mermaid is not installed: add the devDependency mermaid@12.3.0 (${String(e)})`);
  }
}

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

describe('mermaid output parses with mermaid.parse', () => {
  it('golden diagrams of real captures', async () => {
    const mermaid = await loadMermaid();
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.mmd'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) await expect(mermaid.parse(readFileSync(path.join(GOLDEN_DIR, f), 'utf8')), f).resolves.toBeTruthy();
  });

  it('hostile labels, self arrows, IPv6 participants, RTP notes', async () => {
    const mermaid = await loadMermaid();
    const A = '[2001:db8::1]:5060';
    const B = '10.0.0.2:5060';
    const calls = correlate([
      sip({ line: 'INVITE', src: A, dst: B, atMs: 0, body: SDP_OFFER }),
      fakeMessage({ status: 499, reason: 'a;b #x; %%{init}%% <br> end; -->> P1: loop\x1b[2J', cseqMethod: 'INVITE', cseq: 1, src: B, dst: A, atMs: 1, fromTag: 'a1', toTag: 't', branch: 'z9hG4bK-1' }),
      sip({ line: 'OPTIONS', src: B, dst: B, atMs: 2, callId: 'self' }),
    ]);
    const aliases = new Map([[B, 'pbx; #1 <core>']]);
    const streams = [stream({ src: '10.0.0.2:4000', dst: '[2001:db8::1]:6000' }), stream({ id: 2, src: '10.0.0.2:4000', dst: '10.0.0.2:4002', events: '#;' })];
    const text = renderMermaid(layoutLadder({ calls, aliases, streams, showRtp: true }), { autonumber: true });
    expect(text).toContain('participant P2 as pbx#59; #35;1 #60;core#62;');
    expect(text).toContain('Note over P2,P1: RTP PCMU');
    expect(text).toContain('P2->>P2: OPTIONS');
    expect(text).not.toContain('\x1b');
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
    // the escaping is what makes it parse: the raw label does not
    await expect(mermaid.parse('sequenceDiagram\n    P1->>P2: a;b\n')).rejects.toThrow();
    expect(escapeMermaidText('a;b#c<d>')).toBe('a#59;b#35;c#60;d#62;');
  });
});
