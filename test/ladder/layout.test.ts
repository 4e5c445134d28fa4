import { describe, expect, it } from 'vitest';
import { layoutLadder, splitAddress, type LadderMessageRow } from '../../src/view/ladder.js';
import { defaultSdpLabel, summarizeSdp } from '../../src/view/ladder-sdp.js';
import { fakeMessage } from '../correlate/fake-message.js';
import { BASE_SEC, correlate, SDP_OFFER, sip, stream } from './build.js';

const A = '10.0.0.1:5060';
const B = '10.0.0.2:5080';
const B2 = '10.0.0.2:5090';
const C = '[2001:db8:85a3::8a2e:370:7334]:5060';

function simpleCall() {
  return correlate([
    sip({ line: 'INVITE', src: A, dst: B, atMs: 0, body: SDP_OFFER }),
    sip({ line: '100 Trying', src: B, dst: A, atMs: 10, cseq: '1 INVITE' }),
    sip({ line: 'INVITE', src: B, dst: C, atMs: 20, branch: 'z9hG4bK-2' }),
    sip({ line: '200 OK', src: C, dst: B, atMs: 1020.5, cseq: '1 INVITE', branch: 'z9hG4bK-2', toTag: 't1' }),
  ]);
}

describe('layoutLadder', () => {
  it('has one column per address in first-seen order, IPv6 kept whole', () => {
    const layout = layoutLadder({ calls: simpleCall() });
    expect(layout.columns.map((c) => c.address)).toEqual([A, B, C]);
    expect(layout.columns[2]!.host).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(layout.rows.map((r) => [r.from, r.to])).toEqual([[0, 1], [1, 0], [1, 2], [2, 1]]);
  });

  it('labels requests, responses and SDP; times and deltas', () => {
    const layout = layoutLadder({ calls: simpleCall() });
    expect(layout.rows.map((r) => r.label)).toEqual(['INVITE (SDP PCMU,PCMA,telephone-event)', '100 Trying', 'INVITE', '200 OK']);
    const first = layout.rows[0] as LadderMessageRow;
    expect(first.hasSdp).toBe(true);
    expect(first.request).toBe(true);
    expect(layout.rows[3]!.deltaPrevMs).toBeCloseTo(1000.5, 6);
    expect(layout.rows[3]!.deltaFirstMs).toBeCloseTo(1020.5, 6);
    expect(layout.rows[0]!.deltaPrevMs).toBe(0);
    expect(layout.firstTs).toEqual({ tsSec: BASE_SEC, tsNsec: 0 });
  });

  it('compress makes one column per host and drops ports', () => {
    const calls = correlate([
      sip({ line: 'OPTIONS', src: A, dst: B, atMs: 0 }),
      sip({ line: 'OPTIONS', src: A, dst: B2, atMs: 5, branch: 'z9hG4bK-9', cseq: '2 OPTIONS' }),
    ]);
    expect(layoutLadder({ calls }).columns.map((c) => c.address)).toEqual([A, B, B2]);
    const compressed = layoutLadder({ calls, compress: true });
    expect(compressed.columns.map((c) => c.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(compressed.rows.map((r) => r.to)).toEqual([1, 1]);
  });

  it('draws a message to itself as a self arrow', () => {
    const layout = layoutLadder({ calls: correlate([sip({ line: 'OPTIONS', src: A, dst: A, atMs: 0 })]) });
    expect(layout.columns).toHaveLength(1);
    expect(layout.rows[0]).toMatchObject({ from: 0, to: 0 });
  });

  it('numbers retransmission copies and counts resends on every copy', () => {
    const calls = correlate([
      sip({ line: 'INVITE', src: A, dst: B, atMs: 0 }),
      sip({ line: 'INVITE', src: A, dst: B, atMs: 500 }),
      sip({ line: 'INVITE', src: A, dst: B, atMs: 1500 }),
      sip({ line: '486 Busy Here', src: B, dst: A, atMs: 1600, cseq: '1 INVITE', toTag: 'x' }),
    ]);
    const rows = layoutLadder({ calls }).rows as LadderMessageRow[];
    expect(rows.map((r) => [r.retransmission, r.copy, r.resends])).toEqual([
      [false, 1, 2],
      [true, 2, 2],
      [true, 3, 2],
      [false, 1, 0],
    ]);
  });

  it('merges several calls by time, then frame, then seq', () => {
    const m1 = sip({ line: 'OPTIONS', src: A, dst: B, atMs: 10, callId: 'one', frame: 5 });
    const m2 = sip({ line: 'OPTIONS', src: B, dst: A, atMs: 0, callId: 'two', frame: 9 });
    const m3 = sip({ line: 'OPTIONS', src: A, dst: C, atMs: 10, callId: 'three', frame: 4 });
    const calls = correlate([m1, m2, m3]);
    const layout = layoutLadder({ calls });
    expect(layout.rows.map((r) => r.frame)).toEqual([9, 4, 5]);
    expect(layout.columns.map((c) => c.address)).toEqual([B, A, C]);
    expect(layout.rows.map((r) => r.kind === 'message' && r.callIndex)).toEqual([2, 3, 1]);
  });

  it('uses aliases for headers, exact address before host, sanitised', () => {
    const aliases = new Map([
      ['10.0.0.1', 'alice'],
      [B, 'pbx\x1b[2J'],
    ]);
    const layout = layoutLadder({ calls: simpleCall(), aliases });
    expect(layout.columns.map((c) => c.label)).toEqual(['alice', 'pbx\\x1b[2J', C]);
    expect(layout.columns[0]!.address).toBe(A);
  });

  it('places RTP streams of the selected calls at their first packet, on the signalling host column', () => {
    const calls = simpleCall();
    const streams = [
      stream({ id: 2, src: '10.0.0.1:4000', dst: '[2001:db8:85a3::8a2e:370:7334]:7000', firstTs: { tsSec: BASE_SEC, tsNsec: 15_000_000 } }),
      stream({ id: 3, callIndex: 9, src: '10.9.9.9:1', dst: '10.9.9.8:2' }),
      stream({ id: 4, src: '192.0.2.7:9000', dst: '10.0.0.1:4000', firstTs: { tsSec: BASE_SEC + 2, tsNsec: 0 }, events: '12#', lost: -1 }),
    ];
    expect(layoutLadder({ calls, streams }).rows.some((r) => r.kind === 'rtp')).toBe(false);
    const layout = layoutLadder({ calls, streams, showRtp: true });
    const rtp = layout.rows.filter((r) => r.kind === 'rtp');
    expect(rtp.map((r) => r.index)).toEqual([2, 5]);
    expect(rtp[0]).toMatchObject({ from: 0, to: 2, label: 'RTP PCMU 250 pkts lost 0 jitter 1.2ms' });
    expect(layout.columns.map((c) => c.address)).toEqual([A, B, C, '192.0.2.7:9000']);
    expect(rtp[1]).toMatchObject({ from: 3, to: 0, label: 'RTP PCMU 250 pkts lost -1 jitter 1.2ms DTMF 12#' });
    expect(layout.streams.map((s) => s.id)).toEqual([2, 4]);
  });

  it('takes an injected SDP labeller', () => {
    const layout = layoutLadder({ calls: simpleCall(), sdpLabel: (m) => (m.body.length > 0 ? 'offer' : undefined) });
    expect(layout.rows[0]!.label).toBe('INVITE (offer)');
  });

  it('sanitises wire text in labels', () => {
    // the real parser refuses C0 controls in a start line; a C1 CSI (U+009B, UTF-8 in a
    // reason phrase) is accepted and must still reach the label escaped
    const calls = correlate([
      fakeMessage({ method: 'INVITE', cseq: 1, src: A, dst: B, atMs: 0, fromTag: 'f', branch: 'z9hG4bK-x' }),
      fakeMessage({ status: 603, reason: 'Go\u009b2Jaway', cseqMethod: 'INVITE', cseq: 1, src: B, dst: A, atMs: 1, fromTag: 'f', toTag: 't', branch: 'z9hG4bK-x' }),
    ]);
    expect(layoutLadder({ calls }).rows[1]!.label).toBe('603 Go\\x9b2Jaway');
  });

  it('splits addresses', () => {
    expect(splitAddress('[::1]:5060')).toEqual({ host: '::1', port: '5060' });
    expect(splitAddress('10.0.0.1:5060')).toEqual({ host: '10.0.0.1', port: '5060' });
    expect(splitAddress('2001:db8::1')).toEqual({ host: '2001:db8::1', port: '' });
  });
});

describe('SDP label', () => {
  it('lists codecs in offer order, static types named, direction shown, rejected media marked', () => {
    expect(summarizeSdp(SDP_OFFER)).toBe('PCMU,PCMA,telephone-event');
    expect(summarizeSdp('v=0\na=sendonly\nm=audio 1 RTP/AVP 18\n')).toBe('G729 sendonly');
    expect(summarizeSdp('m=audio 1 RTP/AVP 96\na=rtpmap:96 opus/48000/2\na=inactive\nm=video 0 RTP/AVP 97\n')).toBe('audio opus inactive | video rejected');
    expect(summarizeSdp('m=image 5000 udptl t38\n')).toBe('image t38');
  });

  it('finds SDP in multipart bodies and ignores other bodies', () => {
    const multipart = ['--b1', 'Content-Type: application/sdp', '', 'v=0', 'm=audio 1 RTP/AVP 8', '--b1--', ''].join('\r\n');
    const m = sip({ line: 'INVITE', src: A, dst: B, atMs: 0, body: multipart, contentType: 'multipart/mixed;boundary=b1' });
    expect(defaultSdpLabel(m)).toBe('SDP PCMA');
    const xml = sip({ line: 'NOTIFY', src: A, dst: B, atMs: 0, body: '<x/>', contentType: 'application/xml' });
    expect(defaultSdpLabel(xml)).toBeUndefined();
    expect(defaultSdpLabel(sip({ line: 'INVITE', src: A, dst: B, atMs: 0, body: 'garbage', contentType: 'application/sdp' }))).toBe('SDP');
  });
});
