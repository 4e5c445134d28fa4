#!/usr/bin/env node
/**
 * Compare siptrace's call list with sngrep 1.6's, capture by capture.
 *
 *   node scripts/compare-sngrep.mjs                 run both tools on every capture, write JSON + doc
 *   node scripts/compare-sngrep.mjs --only a.pcap   just these files (basename match, repeatable)
 *   node scripts/compare-sngrep.mjs --from-json F   skip running the tools, regenerate the doc from F
 *   --json F (default /tmp/sngrep-compare.json)     where the raw results go
 *   --doc F  (default docs/sngrep-comparison.md)    doc whose generated section is rewritten
 *
 * sngrep has no batch output for its call list, so it runs in a private tmux server (own socket,
 * so other tmux users are untouched), with an rc file that sets the columns we need; the pane is
 * captured once the header's dialog count stops changing, then sngrep is killed by the PID its
 * wrapper shell recorded (sngrep 1.6 ignores q/Esc sent through tmux and survives a killed tmux
 * session spinning a CPU, so it is always KILLed by PID and checked gone). One capture at a time.
 *
 * Only the text between the GENERATED markers of the doc is rewritten; the reviewed explanations
 * around it are kept. Differences are sorted into explanation ids by `classify()` below; an id of
 * `UNREVIEWED` means nobody has explained that difference yet.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedCaptures = resolve(repo, '../shared/captures');
const fixtures = join(repo, 'fixtures');
const siptraceBin = join(repo, 'bin/siptrace');
const SKIP = new Set(['pkts-corrupt-bigendian-header.pcap', 'voipshark-tls-rsa.key']);
const TMUX_SOCKET = 'sngrep-compare';
/** Pane size: tall enough that no capture needs scrolling (largest has 70 calls). */
const PANE_W = 250;
const PANE_H = 300;
/** Call-ID column width; longer Call-IDs are matched by prefix. */
const CALLID_W = 60;
const LOAD_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
function opt(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}
const only = args.flatMap((a, i) => (args[i - 1] === '--only' ? [a] : []));
const jsonPath = opt('--json', '/tmp/sngrep-compare.json');
const docPath = resolve(repo, opt('--doc', 'docs/sngrep-comparison.md'));
const fromJson = opt('--from-json', undefined);

// ---------------------------------------------------------------- CSV
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// ---------------------------------------------------------------- siptrace
function runSiptrace(file) {
  const cols = 'index,callid,method,state,code,msgcnt';
  const r = spawnSync(process.execPath, [siptraceBin, 'calls', file, '--format', 'csv', '--columns', cols], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`, calls: [] };
  const [header, ...rows] = parseCsv(r.stdout).filter((x) => x.length > 1);
  const calls = rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  const table = spawnSync(process.execPath, [siptraceBin, 'calls', file, '--columns', 'index,method,state,code,msgcnt,from,to,callid'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).stdout;
  return { calls: calls.map((c) => ({ ...c, msgcnt: Number(c.msgcnt) })), table };
}

/** siptrace's message sequence per Call-ID (`siptrace messages`, TSV). */
function siptraceFlows(file) {
  const r = spawnSync(process.execPath, [siptraceBin, 'messages', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return groupFlows(r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const f = l.split('\t');
    return [f[6] ?? '', f[8] ?? ''];
  }));
}

function groupFlows(pairs) {
  const flows = {};
  for (const [id, what] of pairs) (flows[id] ??= []).push(what);
  return flows;
}

/** tshark's reading (EXPECTED.tsv next to the captures): message count per Call-ID. */
function tsharkCounts(file, set) {
  const tsv = join(set === 'shared' ? sharedCaptures : fixtures, 'EXPECTED.tsv');
  if (!existsSync(tsv)) return {};
  const counts = {};
  for (const line of readFileSync(tsv, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f[0] !== file) continue;
    counts[f[7] ?? ''] = (counts[f[7] ?? ''] ?? 0) + 1;
  }
  return counts;
}

/**
 * The messages sngrep itself kept: `sngrep -N -I FILE -O dump.pcap` (no UI; it exits at the end
 * of the file) writes every packet it parsed as SIP, which tshark then reads back.
 */
function sngrepFlows(file, work) {
  const dump = join(work, 'dump.pcap');
  rmSync(dump, { force: true });
  const r = spawnSync('sngrep', ['-N', '-I', file, '-O', dump], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  if (r.error || !existsSync(dump)) return { error: String(r.error ?? r.stdout).slice(0, 200) };
  const extra = basename(file).includes('port6060') ? ['-d', 'tcp.port==6060,sip'] : [];
  const t = spawnSync('tshark', ['-r', dump, ...extra, '-Y', 'sip', '-T', 'fields', '-E', 'separator=/t',
    '-e', 'sip.Call-ID', '-e', 'sip.Method', '-e', 'sip.Status-Code'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { flows: groupFlows(t.stdout.split('\n').filter(Boolean).map((l) => {
    const f = l.split('\t');
    return [f[0] ?? '', f[1] || f[2] || '?'];
  })) };
}

// ---------------------------------------------------------------- sngrep in tmux
function tmux(...a) {
  return spawnSync('tmux', ['-L', TMUX_SOCKET, ...a], { encoding: 'utf8' });
}
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
function pidAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead, only not yet reaped by its parent
  } catch {
    return false;
  }
}

function runSngrep(file, work) {
  const rc = join(work, 'sngreprc');
  writeFileSync(rc, [
    'set cl.noexitprompt on',
    'set cl.column0 msgcnt',
    'set cl.column1 state',
    'set cl.column1.width 12',
    'set cl.column2 callid',
    `set cl.column2.width ${CALLID_W}`,
    'set cl.column3 sipfrom',
    'set cl.column3.width 30',
    'set cl.column4 sipto',
    'set cl.column4.width 30',
    'set cl.column5 src',
    'set cl.column5.width 22',
    'set cl.column6 dst',
    'set cl.column6.width 22',
    '',
  ].join('\n'));
  const pidFile = join(work, 'pid');
  const exitFile = join(work, 'exit');
  const errFile = join(work, 'stderr');
  for (const f of [pidFile, exitFile, errFile]) rmSync(f, { force: true });
  const q = (s) => `'${s.replaceAll("'", `'\\''`)}'`;
  // The wrapper records sngrep's PID (exec keeps it) and, if sngrep exits by itself, its status.
  const inner = `echo $$ > ${q(pidFile)}; SNGREPRC=${q(rc)} exec sngrep -I ${q(file)} 2> ${q(errFile)}`;
  const cmd = `sh -c ${q(inner)}; echo $? > ${q(exitFile)}; sleep 3`;
  const session = 'cmp';
  tmux('kill-session', '-t', session);
  const started = tmux('new-session', '-d', '-s', session, '-x', String(PANE_W), '-y', String(PANE_H), `sh -c ${q(cmd)}`);
  if (started.status !== 0) return { error: `tmux: ${started.stderr.trim()}` };
  let pid;
  let pane = '';
  let stable = 0;
  let polls = 0;
  let last = '';
  const t0 = Date.now();
  let result;
  while (Date.now() - t0 < LOAD_TIMEOUT_MS) {
    sleep(300);
    if (pid === undefined && existsSync(pidFile)) pid = Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
    const cap = tmux('capture-pane', '-p', '-t', session);
    if (existsSync(exitFile) || cap.status !== 0) {
      const err = existsSync(errFile) ? readFileSync(errFile, 'utf8').trim() : '';
      const shown = cap.status === 0 ? cap.stdout.split('\n').filter((l) => l.trim()).join(' | ') : '';
      result = { error: `sngrep exited (${existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : '?'}): ${err || shown}`.slice(0, 300) };
      break;
    }
    pane = cap.stdout;
    const header = pane.split('\n').find((l) => l.includes('Dialogs:')) ?? '';
    if (!header || /loading/i.test(pane.split('\n').slice(0, 4).join('\n'))) {
      // sngrep 1.6 only redraws its header when something changes: a file without any SIP keeps
      // showing "(Loading)" after the end. A harmless key (Down) forces a redraw.
      if (++polls % 5 === 0) tmux('send-keys', '-t', session, 'Down');
      stable = 0;
      continue;
    }
    stable = header === last ? stable + 1 : 0;
    last = header;
    if (stable >= 3) { result = parseSngrepPane(pane); break; }
  }
  if (!result) result = { error: 'sngrep did not finish loading in time', pane };
  // Stop it: q first (harmless), then KILL by recorded PID, and make sure it is gone.
  tmux('send-keys', '-t', session, 'q');
  sleep(200);
  if (pid !== undefined && pidAlive(pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (let i = 0; i < 20 && pid !== undefined && pidAlive(pid); i++) sleep(100);
  if (pid !== undefined && pidAlive(pid)) throw new Error(`sngrep pid ${pid} survived SIGKILL`);
  tmux('kill-session', '-t', session);
  return result;
}

/** Columns found in the header line, by their titles' start offsets. */
function parseSngrepPane(pane) {
  const lines = pane.split('\n');
  const dialogs = Number(/Dialogs:\s*(\d+)/.exec(pane)?.[1] ?? NaN);
  const hi = lines.findIndex((l) => /\bMsgs\b/.test(l) && /Call-ID/.test(l));
  if (hi < 0) return { error: 'no call list header on screen', pane };
  const header = lines[hi];
  const at = (title) => header.indexOf(title);
  const cols = [
    ['msgcnt', at('Msgs')],
    ['state', at('Call State')],
    ['callid', at('Call-ID')],
    ['from', at('SIP From')],
    ['to', at('SIP To')],
    ['src', at('Source')],
    ['dst', at('Destination')],
  ].filter(([, p]) => p >= 0).sort((a, b) => a[1] - b[1]);
  const calls = [];
  for (const line of lines.slice(hi + 1)) {
    if (!/^\s*\[[ *x]\]/.test(line)) continue;
    const row = {};
    cols.forEach(([name, start], i) => {
      const end = cols[i + 1]?.[1] ?? line.length;
      row[name] = line.slice(start, end).trim();
    });
    row.msgcnt = Number(row.msgcnt);
    calls.push(row);
  }
  const screen = lines.slice(0, hi + 1 + calls.length).map((l) => l.trimEnd()).join('\n');
  return { dialogs, calls, screen };
}

// ---------------------------------------------------------------- compare
/** Control characters: siptrace prints `\x13`, sngrep (curses) `^S`; compare both as `?`. */
function normId(id) {
  return id.replace(/\\x[0-9a-fA-F]{2}/g, '?').replace(/\^[@-_]/g, '?');
}

function matchCalls(sip, sng) {
  const used = new Set();
  const pairs = [];
  for (const s of sip) {
    let j = sng.findIndex((g, k) => !used.has(k) && g.callid === s.callid);
    if (j < 0) j = sng.findIndex((g, k) => !used.has(k) && normId(g.callid) === normId(s.callid));
    if (j < 0 && s.callid.length >= CALLID_W - 1) {
      j = sng.findIndex((g, k) => !used.has(k) && g.callid.length > 0 && s.callid.startsWith(g.callid));
    }
    if (j >= 0) used.add(j);
    pairs.push({ siptrace: s, sngrep: j >= 0 ? sng[j] : undefined });
  }
  sng.forEach((g, k) => { if (!used.has(k)) pairs.push({ siptrace: undefined, sngrep: g }); });
  return pairs;
}

/** sngrep 1.6 state names are the same strings as ours where the meaning is the same. */
function compareFile(rec) {
  if (rec.sngrep.error || rec.siptrace.error) return [];
  const diffs = [];
  for (const p of matchCalls(rec.siptrace.calls, rec.sngrep.calls)) {
    const s = p.siptrace;
    const g = p.sngrep;
    const d = {
      file: rec.file,
      callid: s?.callid ?? g.callid,
      method: s?.method ?? '',
      code: s?.code ?? '',
      siptraceState: s?.state ?? '(absent)',
      sngrepState: g ? g.state || '(blank)' : '(absent)',
      siptraceMsgs: s?.msgcnt ?? '',
      sngrepMsgs: g?.msgcnt ?? '',
      tsharkMsgs: rec.tshark?.[s?.callid ?? g.callid] ?? '',
      siptraceFlow: (s && rec.siptraceFlows?.[s.callid]) || [],
      sngrepFlow: rec.sngrepFlows?.flows?.[s?.callid ?? g.callid] ?? [],
    };
    const stateDiffers = s && g && normState(s, g) !== (g.state || '');
    const msgsDiffer = s && g && s.msgcnt !== g.msgcnt;
    if (!s || !g || stateDiffers || msgsDiffer) {
      d.kind = !s ? 'only sngrep' : !g ? 'only siptrace' : [stateDiffers && 'state', msgsDiffer && 'msgs'].filter(Boolean).join('+');
      d.explanation = classify(d);
      diffs.push(d);
    }
  }
  return diffs;
}

/** sngrep shows no state for dialogs not started by INVITE: compare those as blank. */
function normState(s) {
  return s.method === 'INVITE' ? s.state : '';
}

/**
 * Captures where sngrep 1.6 cannot see the SIP at all (encapsulation, link type, reassembly), or
 * where one mechanism explains every difference of the file. Reviewed by hand: see the doc.
 */
const FILE_CAUSE = {
  'hep3-compressed-sll.pcapng': 'E-HEP',
  'hep3-udp9060.pcap': 'E-HEP',
  'derived-hep3-compressed.pcap': 'E-HEP',
  'hep2-kamailio-udp.pcap': 'E-HEP',
  'hep3-kamailio-tcp.pcap': 'E-HEP',
  'hep3-kamailio-udp.pcap': 'E-HEP',
  'heplify-gre-teb-mirror-udp.pcapng': 'E-ENCAP',
  'derived-gre-teb.pcap': 'E-ENCAP',
  'derived-erspan-type2.pcap': 'E-ENCAP',
  'derived-erspan-type3.pcap': 'E-ENCAP',
  'ndpi-vlan-gre-ppp.pcapng': 'E-ENCAP',
  'derived-link-pppoe.pcap': 'E-ENCAP',
  'wiresharkwiki-dtmf-sip-info-pppoe.pcap': 'E-ENCAP',
  'derived-link-qinq-8021ad.pcap': 'E-ENCAP',
  'derived-qinq-pkts-cancel.pcap': 'E-ENCAP',
  'vxlan-udp4789.pcap': 'E-ENCAP',
  'derived-ipip-6in4.pcap': 'E-ENCAP',
  'heplify-sctp-sll.pcap': 'E-ENCAP',
  'derived-sctp-data.pcap': 'E-ENCAP',
  'fmt-pcapng-lo-and-any.pcapng': 'E-PCAPNG-LINKTYPES',
  'parser-lf-only-udp.pcap': 'E-LF',
  'parser-unknown-method-udp.pcap': 'E-METHOD',
  'protos-c07-sip-r2-malformed.pcap': 'E-METHOD',
  'derived-ipv4-fragments-duplicated.pcap': 'E-REASM',
  'derived-ipv6-fragments-duplicated.pcap': 'E-REASM',
  'derived-tcp-out-of-order.pcap': 'E-REASM',
  'derived-tcp-retransmitted.pcap': 'E-REASM',
  'suricata-tcp-64k-body-null-linktype.pcap': 'E-REASM',
  'heplify-tcp-retrans-sll.pcap': 'E-TCP-RETRANS',
  'tcp-several-messages-one-segment.pcap': 'E-TCP-MULTI',
  'tcp-crlf-keepalive.pcap': 'E-TCP-MULTI',
  'websocket-sip-fragmented.pcap': 'E-WS-FRAG',
  'ndpi-fuzzed-aaa-malformed.pcap': 'E-FUZZ',
};

/** Requests that may open a dialog in sngrep 1.6's list (sip.noincomplete, on by default). */
const SNGREP_OPENERS = new Set(['REGISTER', 'INVITE', 'SUBSCRIBE', 'NOTIFY', 'OPTIONS', 'PUBLISH', 'MESSAGE', 'INFO', 'REFER', 'UPDATE']);

/**
 * Reviewed explanations, keyed by id (the text is in the doc). Each rule was written after reading
 * the differences it matches; anything else is UNREVIEWED.
 */
function classify(d) {
  const fileCause = FILE_CAUSE[d.file];
  const first = d.siptraceFlow[0] ?? '';
  const code = Number(d.code);
  if (d.kind === 'state') {
    if (d.sngrepState === 'BUSY' && code === 480 && d.siptraceState === 'REJECTED') return 'E-480';
    if (d.siptraceState === 'FAILED' && d.sngrepState === 'CALL SETUP' && d.code === '') return 'E-FAILED';
    if (['IN CALL', 'COMPLETED'].includes(d.siptraceState) && d.sngrepState === 'CALL SETUP' && !d.siptraceFlow.includes('ACK')) return 'E-NO-ACK';
    if (d.file === 'calls-forked-invite.pcap') return 'E-FORK-CANCEL';
  }
  if (fileCause) return fileCause;
  if (d.kind === 'only siptrace' && first !== '' && !SNGREP_OPENERS.has(first)) return 'E-NOINCOMPLETE';
  return 'UNREVIEWED';
}

// ---------------------------------------------------------------- doc
const BEGIN = '<!-- GENERATED:BEGIN (scripts/compare-sngrep.mjs; do not edit by hand) -->';
const END = '<!-- GENERATED:END -->';

function md(s) {
  return String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');
}
function short(s, n = 48) {
  s = String(s);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function renderGenerated(results) {
  const out = [];
  const ok = results.filter((r) => !r.sngrep.error && !r.siptrace.error);
  const failed = results.filter((r) => r.sngrep.error || r.siptrace.error);
  const agree = ok.filter((r) => r.siptrace.calls.length === r.sngrep.calls.length);
  const identical = ok.filter((r) => r.diffs.length === 0);
  const allDiffs = ok.flatMap((r) => r.diffs);
  const byId = {};
  for (const d of allDiffs) byId[d.explanation] = (byId[d.explanation] ?? 0) + 1;
  out.push(`Run on ${results.length} captures (${results.filter((r) => r.set === 'shared').length} from ../shared/captures, ${results.filter((r) => r.set === 'fixtures').length} fixtures); sngrep ${results[0]?.sngrepVersion ?? '?'}, default settings except the list columns.`, '');
  out.push(`* sngrep could not read ${failed.length} file(s): ${failed.map((r) => `\`${r.file}\``).join(', ') || 'none'}.`);
  out.push(`* Number of calls (Call-IDs) agrees on **${agree.length}** of ${ok.length} files, differs on **${ok.length - agree.length}**.`);
  out.push(`* Fully identical lists (same Call-IDs, same state, same message counts) on **${identical.length}** of ${ok.length} files.`);
  out.push(`* ${allDiffs.length} per-call differences in all: ${Object.entries(byId).sort().map(([k, v]) => `${k} ×${v}`).join(', ')}.`, '');
  out.push('### Per file', '');
  out.push('| file | siptrace calls | sngrep dialogs | same Call-IDs | state diffs | msg-count diffs | only siptrace | only sngrep |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    if (r.sngrep.error || r.siptrace.error) {
      out.push(`| \`${r.file}\` | ${r.siptrace.error ? md(r.siptrace.error) : r.siptrace.calls.length} | ${md(short(r.sngrep.error ?? r.sngrep.calls.length, 90))} | | | | | |`);
      continue;
    }
    const n = (k) => r.diffs.filter((d) => d.kind.includes(k)).length;
    const common = r.siptrace.calls.length - n('only siptrace');
    const mark = r.diffs.length ? '' : ' ✓';
    out.push(`| \`${r.file}\`${mark} | ${r.siptrace.calls.length} | ${r.sngrep.calls.length} | ${common} | ${n('state')} | ${n('msgs')} | ${n('only siptrace')} | ${n('only sngrep')} |`);
  }
  out.push('', '### Every difference', '');
  out.push('`msgs` = message count siptrace / sngrep / tshark (EXPECTED.tsv; tshark is the referee for counts). `siptrace flow` = the call\'s messages as siptrace read them (first 12). Explanation ids refer to the reviewed sections below.', '');
  out.push('| file | Call-ID | method | code | siptrace state | sngrep state | msgs | siptrace flow | difference | explanation |');
  out.push('|---|---|---|---:|---|---|---:|---|---|---|');
  for (const d of allDiffs) {
    const flow = d.siptraceFlow.slice(0, 12).map((m) => short(m, 12)).join(' ') + (d.siptraceFlow.length > 12 ? ' …' : '');
    out.push(`| \`${d.file}\` | \`${md(short(d.callid, 40))}\` | ${md(short(d.method, 14))} | ${d.code} | ${d.siptraceState} | ${d.sngrepState} | ${d.siptraceMsgs} / ${d.sngrepMsgs} / ${d.tsharkMsgs} | ${md(flow)} | ${d.kind} | [${d.explanation}](#${d.explanation.toLowerCase()}) |`);
  }
  const screens = opt('--screens', 'sngrep-aaa-register-invite-rtp.pcap,pcapplusplus-requests-pppoe.pcap,tcp-several-messages-one-segment.pcap').split(',');
  out.push('', '### Side by side', '');
  out.push('sngrep\'s call list as captured from the tmux pane (columns set by the comparison rc file), then `siptrace calls FILE --columns index,method,state,code,msgcnt,from,to,callid` on the same file.', '');
  for (const name of screens) {
    const r = results.find((x) => x.file === name);
    if (!r || r.sngrep.error) continue;
    out.push(`#### \`${name}\``, '', 'sngrep 1.6:', '', '```text', r.sngrep.screen.split('\n').filter((l) => l.trim()).map((l) => l.slice(0, 186).trimEnd()).join('\n'), '```', '', 'siptrace:', '', '```text', r.siptrace.table.trimEnd(), '```', '');
  }
  return out.join('\n');
}

function writeDoc(results) {
  const gen = renderGenerated(results);
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : `# siptrace vs sngrep: call lists\n\n${BEGIN}\n${END}\n`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) doc += `\n${BEGIN}\n${END}\n`;
  const a2 = doc.indexOf(BEGIN);
  const b2 = doc.indexOf(END);
  doc = `${doc.slice(0, a2 + BEGIN.length)}\n${gen}\n${doc.slice(b2)}`;
  writeFileSync(docPath, doc);
}

// ---------------------------------------------------------------- main
function listFiles() {
  const shared = readdirSync(sharedCaptures)
    .filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f) && !SKIP.has(f))
    .sort()
    .map((f) => ({ set: 'shared', path: join(sharedCaptures, f) }));
  const fx = readdirSync(fixtures)
    .filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))
    .sort()
    .map((f) => ({ set: 'fixtures', path: join(fixtures, f) }));
  return [...shared, ...fx].filter((x) => only.length === 0 || only.includes(basename(x.path)));
}

let results;
if (fromJson) {
  results = JSON.parse(readFileSync(fromJson, 'utf8'));
  for (const r of results) r.diffs = compareFile(r);
} else {
  if (!existsSync(sharedCaptures)) throw new Error(`missing ${sharedCaptures}`);
  const version = execFileSync('sngrep', ['-V'], { encoding: 'utf8' }).split('\n')[0].replace(/^sngrep - /, '');
  const work = mkdtempSync(join(tmpdir(), 'sngrep-cmp-'));
  // --resume: keep the files already in the JSON (written after every file) and run the rest.
  results = args.includes('--resume') && existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : [];
  try {
    for (const { set, path } of listFiles()) {
      const file = basename(path);
      if (results.some((r) => r.file === file && r.set === set)) continue;
      process.stderr.write(`${file} ... `);
      const siptrace = runSiptrace(path);
      const sngrep = runSngrep(path, work);
      const rec = { file, set, sngrepVersion: version, siptrace, sngrep, tshark: tsharkCounts(file, set) };
      rec.siptraceFlows = siptraceFlows(path);
      if (!sngrep.error) rec.sngrepFlows = sngrepFlows(path, work);
      rec.diffs = compareFile(rec);
      results.push(rec);
      writeFileSync(jsonPath, JSON.stringify(results, null, 1));
      process.stderr.write(`siptrace ${siptrace.error ?? siptrace.calls.length}, sngrep ${sngrep.error ?? sngrep.calls.length}, diffs ${rec.diffs.length}\n`);
    }
  } finally {
    spawnSync('tmux', ['-L', TMUX_SOCKET, 'kill-server']);
    rmSync(work, { recursive: true, force: true });
  }
}
if (only.length === 0) writeDoc(results);
const flat = results.flatMap((r) => r.diffs);
process.stderr.write(`${results.length} files, ${flat.length} differences, ${flat.filter((d) => d.explanation === 'UNREVIEWED').length} unreviewed\n`);
