/**
 * Bad input as a user meets it: one line on stderr, a documented exit code (README), never a
 * stack trace; damage inside a readable capture is a counted diagnostic and everything before
 * it is still decoded.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CAPTURES_DIR, requireSharedCaptures } from '../conformance/shared-captures.js';
import { runCli } from './run-cli.js';

requireSharedCaptures();
const tmp = mkdtempSync(path.join(tmpdir(), 'siptrace-cli-'));
chmodSync(tmp, 0o755);
const simple = path.join(CAPTURES_DIR, 'pkts-simple-invite.pcap');
const simpleBytes = readFileSync(simple);
const simpleRows = runCli(['messages', simple]).stdout;

function expectOneLineError(r: { code: number | null; stderr: string }, code: number, text: RegExp): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^siptrace: /);
  expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input', () => {
  it('decodes the reference capture (7 messages)', () => {
    expect(simpleRows.trim().split('\n')).toHaveLength(8);
  });

  it('missing file: exit 3', () => {
    expectOneLineError(runCli(['messages', path.join(tmp, 'nope.pcap')]), 3, /no such file/);
  });

  it('a directory: exit 3', () => {
    expectOneLineError(runCli(['messages', tmp]), 3, /directory/);
  });

  it('permission denied: exit 3', () => {
    const locked = path.join(tmp, 'locked.pcap');
    writeFileSync(locked, simpleBytes);
    chmodSync(locked, 0o000);
    // the tests run as root on CI; drop to nobody so the permission check is real
    const r = process.getuid?.() === 0 ? runCli(['messages', locked], { asUser: 'nobody' }) : runCli(['messages', locked]);
    expectOneLineError(r, 3, /permission/i);
  });

  it('not a capture: exit 4', () => {
    const txt = path.join(tmp, 'notes.pcap');
    writeFileSync(txt, 'INVITE sip:x SIP/2.0\r\n\r\n');
    expectOneLineError(runCli(['messages', txt]), 4, /not a pcap or pcapng/);
  });

  it('empty file: exit 4', () => {
    const empty = path.join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    expectOneLineError(runCli(['messages', empty]), 4, /empty/);
  });

  it('a damaged file header (first record claims 587 MB): exit 4', () => {
    expectOneLineError(runCli(['messages', path.join(CAPTURES_DIR, 'pkts-corrupt-bigendian-header.pcap')]), 4, /587333632/);
  });

  it('a truncated last record: exit 0, every earlier message decoded, the damage counted', () => {
    const cut = path.join(tmp, 'cut.pcap');
    writeFileSync(cut, simpleBytes.subarray(0, simpleBytes.length - 40));
    const r = runCli(['messages', cut]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(simpleRows.trim().split('\n').slice(0, 7));
    expect(r.stderr).toMatch(/CAPTURE_TRUNCATED_RECORD=1/);
  });

  it('a record claiming 4 GB after good ones: earlier messages decoded, the damage counted', () => {
    // record headers of classic pcap: 24-byte file header, then 16-byte record headers
    const bytes = Buffer.from(simpleBytes);
    let off = 24;
    for (let i = 0; i < 3; i++) off += 16 + bytes.readUInt32LE(off + 8);
    bytes.writeUInt32LE(0xfffffff0, off + 8); // 4th record's incl_len
    const big = path.join(tmp, 'claims-4gb.pcap');
    writeFileSync(big, bytes);
    const r = runCli(['messages', big]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(simpleRows.trim().split('\n').slice(0, 4));
    expect(r.stderr).toMatch(/CAPTURE_RECORD_TOO_LARGE=1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('garbage in the middle of a pcapng: records after it are still decoded', () => {
    const file = readFileSync(path.join(CAPTURES_DIR, 'ndpi-keepalive-register-401.pcapng'));
    const good = runCli(['messages', path.join(CAPTURES_DIR, 'ndpi-keepalive-register-401.pcapng')]).stdout.trim().split('\n');
    // find the 12th block boundary and insert 37 bytes of junk there
    let off = 0;
    for (let i = 0; i < 12; i++) off += file.readUInt32LE(off + 4);
    const junk = Buffer.alloc(37, 0x5a);
    const damaged = path.join(tmp, 'junk.pcapng');
    writeFileSync(damaged, Buffer.concat([file.subarray(0, off), junk, file.subarray(off)]));
    const r = runCli(['messages', damaged]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(good);
    expect(r.stderr).toMatch(/PCAPNG_RESYNC/);
  });

  it('gzip-compressed capture and stdin give the same rows', () => {
    const gz = path.join(tmp, 'simple.pcap.gz');
    writeFileSync(gz, gzipSync(simpleBytes));
    expect(runCli(['messages', gz]).stdout).toBe(simpleRows);
    expect(runCli(['messages', '-'], { input: simpleBytes }).stdout).toBe(simpleRows);
    expect(runCli(['messages', '-'], { input: gzipSync(simpleBytes) }).stdout).toBe(simpleRows);
  });

  it('unknown option: exit 2, one line', () => {
    expectOneLineError(runCli(['messages', simple, '--bogus']), 2, /unknown option/);
  });

  it('bad --format value: exit 2', () => {
    const r = runCli(['messages', simple, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/siptrace: .*xml/);
  });

  it('--help exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/messages/);
  });
});
