/** `siptrace calls|flow|save` run as a user would, on real captures and our fixtures. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CAPTURES_DIR, REPO_ROOT, requireSharedCaptures } from '../conformance/shared-captures.js';
import { runCli } from './run-cli.js';

requireSharedCaptures();
const tmp = mkdtempSync(path.join(tmpdir(), 'siptrace-cmd-'));
const aaa = path.join(CAPTURES_DIR, 'sngrep-aaa-register-invite-rtp.pcap');
const sipRtp = path.join(CAPTURES_DIR, 'pkts-sip-rtp.pcap');

describe('siptrace calls', () => {
  it('lists the six Call-IDs of aaa.pcap with their states', () => {
    const r = runCli(['calls', aaa, '--format', 'csv', '--columns', 'index,callid,method,state,code']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('index,callid,method,state,code');
    expect(lines.slice(1).map((l) => l.split(',').slice(2).join(','))).toEqual([
      'REGISTER,AUTH CHALLENGED,401',
      'INVITE,CANCELLED,408',
      'INVITE,REJECTED,403',
      'REGISTER,REGISTERED,200',
      'INVITE,REJECTED,403',
      'INVITE,REJECTED,480',
    ]);
  });

  it('filters with the expression language and with simple options', () => {
    const byExpr = runCli(['calls', aaa, '--format', 'csv', '--columns', 'index', '--filter', 'method == INVITE and code >= 400 and code < 500']);
    expect(byExpr.stdout.trim().split(/\r?\n/).slice(1)).toEqual(['2', '3', '5', '6']);
    const byOpts = runCli(['calls', aaa, '--format', 'csv', '--columns', 'index', '--state', 'rejected', '--code', '403']);
    expect(byOpts.stdout.trim().split(/\r?\n/).slice(1)).toEqual(['3', '5']);
  });

  it('a filter syntax error says where, exit 2', () => {
    const r = runCli(['calls', aaa, '--filter', 'state == failed and pdd >']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^siptrace: --filter: .*column \d+/);
  });

  it('json is deterministic and carries the RTP stream', () => {
    const a = runCli(['calls', sipRtp, '--format', 'json']);
    const b = runCli(['calls', sipRtp, '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout) as { calls: { state: string; streams: { packets: number }[] }[] };
    expect(doc.calls).toHaveLength(1);
    expect(doc.calls[0]!.state).toBe('COMPLETED');
    expect(doc.calls[0]!.streams.map((s) => s.packets)).toEqual([501]);
  });
});

describe('siptrace flow', () => {
  it('draws the ladder with codecs and the RTP stream', () => {
    const r = runCli(['flow', sipRtp, '--call', '1', '--width', '90']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/INVITE \(PCMU\)/);
    expect(r.stdout).toMatch(/RTP PCMU 501 pkts lost 0/);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(90);
  });

  it('unknown call: exit 6', () => {
    const r = runCli(['flow', sipRtp, '--call', 'no-such-call']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^siptrace: no call "no-such-call"/);
  });

  it('writes mermaid, markdown and html; an unwritable path is exit 5', () => {
    expect(runCli(['flow', sipRtp, '--call', '1', '--format', 'mermaid']).stdout).toMatch(/^sequenceDiagram/);
    expect(runCli(['flow', sipRtp, '--call', '1', '--format', 'markdown']).stdout).toMatch(/```mermaid/);
    const html = path.join(tmp, 'flow.html');
    expect(runCli(['flow', sipRtp, '--call', '1', '--format', 'html', '-o', html]).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/<!DOCTYPE html>/i);
    const bad = runCli(['flow', sipRtp, '--call', '1', '-o', '/nonexistent-dir/x.txt']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/cannot write/);
  });
});

describe('siptrace save', () => {
  it('writes the call (and with --rtp its media) as a pcap tshark reads back', () => {
    const sip = path.join(tmp, 'sip.pcap');
    const all = path.join(tmp, 'rtp.pcap');
    expect(runCli(['save', sipRtp, '--call', '1', '-o', sip]).code).toBe(0);
    expect(runCli(['save', sipRtp, '--call', '1', '--rtp', '-o', all]).code).toBe(0);
    const count = (f: string): number => Number(spawnSync('capinfos', ['-c', '-M', f], { encoding: 'utf8' }).stdout.match(/Number of packets:\s+(\d+)/)![1]);
    expect(count(sip)).toBe(6);
    expect(count(all)).toBe(507);
    // what was saved decodes to the same messages
    const again = runCli(['messages', sip]).stdout.split('\n').slice(1).map((l) => l.split('\t').slice(6).join('\t'));
    const orig = runCli(['messages', sipRtp]).stdout.split('\n').slice(1).map((l) => l.split('\t').slice(6).join('\t'));
    expect(again).toEqual(orig);
  });

  it('a call over TCP segments keeps every segment; stdin is refused with a reason', () => {
    const out = path.join(tmp, 'tcp.pcap');
    expect(runCli(['save', path.join(REPO_ROOT, 'fixtures', 'tcp-message-many-segments.pcap'), '-o', out]).code).toBe(0);
    const r = runCli(['save', '-', '-o', out], { input: readFileSync(sipRtp) });
    expect(r.code).toBe(2);
  });

  it('flow --raw shows the same messages read again from the file, kept from stdin, or from gzip', () => {
    // a file is re-read by offset; stdin and gzip cannot be, so their messages are kept in memory
    for (const capture of [aaa, path.join(REPO_ROOT, 'fixtures', 'tcp-message-many-segments.pcap')]) {
      const fromFile = runCli(['flow', capture, '--call', '1', '--raw']);
      expect(fromFile.code).toBe(0);
      expect(fromFile.stdout).toMatch(/^(INVITE|REGISTER|OPTIONS|MESSAGE|SUBSCRIBE) sip:/m);
      const bytes = readFileSync(capture);
      expect(runCli(['flow', '-', '--call', '1', '--raw'], { input: bytes }).stdout).toBe(fromFile.stdout);
      const gz = path.join(tmp, `${path.basename(capture)}.gz`);
      writeFileSync(gz, gzipSync(bytes));
      expect(runCli(['flow', gz, '--call', '1', '--raw']).stdout).toBe(fromFile.stdout);
    }
  });
});

