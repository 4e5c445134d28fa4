import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_ATTRIBUTES } from '../../src/core/store/attributes.js';
import {
  aliasMap,
  CONFIG_COLOR_MODES,
  CONFIG_SDP_MODES,
  ConfigError,
  configPath,
  formatConfig,
  loadConfig,
  normalizeAliasAddress,
  parseConfig,
  saveConfig,
  updateConfig,
} from '../../src/io/config.js';
import { COLOR_MODES, SDP_MODES } from '../../src/tui/ui-state.js';

const F = '/home/u/.config/siptrace/config.json';

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, F);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('no error');
}

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'siptrace-config-'));

describe('config path', () => {
  it('takes $SIPTRACE_CONFIG, else $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ SIPTRACE_CONFIG: '/etc/x.json', XDG_CONFIG_HOME: '/xdg', HOME: '/h' })).toBe('/etc/x.json');
    expect(configPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/h' })).toBe('/xdg/siptrace/config.json');
    expect(configPath({ HOME: '/h' })).toBe('/h/.config/siptrace/config.json');
    // the XDG spec says a relative XDG_CONFIG_HOME is ignored
    expect(configPath({ XDG_CONFIG_HOME: 'rel', HOME: '/h' })).toBe('/h/.config/siptrace/config.json');
    expect(configPath({ SIPTRACE_CONFIG: '', HOME: '/h' })).toBe('/h/.config/siptrace/config.json');
  });
});

describe('parseConfig', () => {
  it('reads columns (names, aliases of names, widths), aliases, related headers and ui settings', () => {
    const c = parseConfig(
      JSON.stringify({
        columns: ['index', { attr: 'Call-ID', width: 40 }, 'sipfrom', 'state'],
        aliases: { '10.0.0.1': 'pbx', '10.0.0.2:5060': 'sbc', '[2001:0DB8:0::1]:5060': 'v6 phone', 'fe80::0:1': 'link' },
        relatedCallHeaders: ['X-Call-ID', 'X-Leg'],
        ui: { colorMode: 'cseq', timeFormat: 'relative', showRetransmissions: false, messagePane: true, messagePaneWidth: 80, sdpMode: 'marker', rtpArrows: true, compress: false },
      }),
      F,
    );
    expect(c.columns).toEqual([{ attr: 'index' }, { attr: 'callid', width: 40 }, { attr: 'from' }, { attr: 'state' }]);
    expect(c.aliases).toEqual({ '10.0.0.1': 'pbx', '10.0.0.2:5060': 'sbc', '[2001:db8::1]:5060': 'v6 phone', 'fe80::1': 'link' });
    expect(c.relatedCallHeaders).toEqual(['X-Call-ID', 'X-Leg']);
    expect(c.ui).toEqual({ colorMode: 'cseq', timeFormat: 'relative', showRetransmissions: false, messagePane: true, messagePaneWidth: 80, sdpMode: 'marker', rtpArrows: true, compress: false });
    expect([...aliasMap(c).keys()]).toEqual(['10.0.0.1', '10.0.0.2:5060', '[2001:db8::1]:5060', 'fe80::1']);
    expect(parseConfig('{}', F)).toEqual({});
  });

  it('every attribute of the table can be a column', () => {
    const c = parseConfig(JSON.stringify({ columns: CALL_ATTRIBUTES.map((a) => a.id) }), F);
    expect(c.columns!.map((x) => x.attr)).toEqual(CALL_ATTRIBUTES.map((a) => a.id));
  });

  it('gives a one-line error naming the file and the key', () => {
    const cases: [unknown, string | undefined, RegExp][] = [
      [{ colums: [] }, 'colums', /unknown key \(known: columns, aliases, relatedCallHeaders, ui\)/],
      [{ columns: 'index' }, 'columns', /must be an array/],
      [{ columns: [] }, 'columns', /at least one/],
      [{ columns: ['index', 'nope'] }, 'columns[1]', /unknown attribute "nope"/],
      [{ columns: ['index', 'idx'] }, 'columns[1]', /"index" is listed twice/],
      [{ columns: [{ attr: 'from', width: 0 }] }, 'columns[0].width', /whole number from 1 to 200/],
      [{ columns: [{ attr: 'from', wide: 3 }] }, 'columns[0].wide', /unknown key/],
      [{ columns: [7] }, 'columns[0]', /must be an attribute name/],
      [{ aliases: ['x'] }, 'aliases', /must be an object/],
      [{ aliases: { 'pbx.example.com': 'pbx' } }, 'aliases["pbx.example.com"]', /not an IP address/],
      [{ aliases: { '10.0.0.1:99999': 'x' } }, 'aliases["10.0.0.1:99999"]', /not an IP address/],
      [{ aliases: { '10.0.0.1': '' } }, 'aliases["10.0.0.1"]', /non-empty name/],
      [{ aliases: { '10.0.0.1': 'a\u001b[2Jb' } }, 'aliases["10.0.0.1"]', /control character/],
      [{ aliases: { '10.0.0.1': 'x'.repeat(65) } }, 'aliases["10.0.0.1"]', /longer than 64/],
      [{ aliases: { '::1': 'a', '0:0::1': 'b' } }, 'aliases["0:0::1"]', /same address as another alias \(::1\)/],
      [{ relatedCallHeaders: ['X-Call-ID', 'bad header'] }, 'relatedCallHeaders[1]', /must be a header name/],
      [{ ui: { colorMode: 'rainbow' } }, 'ui.colorMode', /must be one of reqres, cseq, callid, not "rainbow"/],
      [{ ui: { showRetransmissions: 'yes' } }, 'ui.showRetransmissions', /true or false/],
      [{ ui: { messagePaneWidth: 10 } }, 'ui.messagePaneWidth', /from 24 to 160/],
      [{ ui: { theme: 'dark' } }, 'ui.theme', /unknown key/],
      [[], undefined, /must hold a JSON object, not an array/],
    ];
    for (const [json, key, msg] of cases) {
      const e = errorOf(JSON.stringify(json));
      expect(e.key, JSON.stringify(json)).toBe(key);
      expect(e.message).toMatch(msg);
      expect(e.message.startsWith(`${F}: ${key !== undefined ? key + ': ' : ''}`)).toBe(true);
      expect(e.message).not.toContain('\n');
      expect(e.code).toBe('CONFIG');
    }
    const bad = errorOf('{ "columns": [ "index", ] }');
    expect(bad.key).toBeUndefined();
    expect(bad.message).toMatch(/^\/home\/u\/\.config\/siptrace\/config\.json: not valid JSON: /);
    expect(bad.message).not.toContain('\n');
  });

  it('normalises alias addresses as the decoder prints them', () => {
    expect(normalizeAliasAddress('192.168.1.2')).toBe('192.168.1.2');
    expect(normalizeAliasAddress('192.168.1.2:05060')).toBe('192.168.1.2:5060');
    expect(normalizeAliasAddress('[::FFFF:1.2.3.4]:5060')).toBe('[::ffff:1.2.3.4]:5060');
    expect(normalizeAliasAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeAliasAddress('2001:db8::1:5060')).toBe('2001:db8::1:5060'); // a bare v6 host, not a port
    expect(normalizeAliasAddress('1.2.3')).toBeUndefined();
    expect(normalizeAliasAddress('[1.2.3.4]:5')).toBeUndefined();
    expect(normalizeAliasAddress('1.2.3.4:0')).toBeUndefined();
  });

  it('its value lists are the UI state ones', () => {
    expect([...CONFIG_COLOR_MODES]).toEqual([...COLOR_MODES]);
    expect([...CONFIG_SDP_MODES]).toEqual([...SDP_MODES]);
  });
});

describe('load and save', () => {
  it('a missing file is an empty config; a bad one names the file', () => {
    const dir = tmp();
    expect(loadConfig(path.join(dir, 'none.json'))).toEqual({ path: path.join(dir, 'none.json'), exists: false, config: {} });
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"ui":{"colorMode":1}}');
    expect(() => loadConfig(bad)).toThrow(`${bad}: ui.colorMode: must be one of reqres, cseq, callid, not number`);
    expect(() => loadConfig(dir)).toThrow(`${dir}: cannot read: is a directory`);
  });

  it('saves atomically (no temporary left), creating the directory, and reads back the same', () => {
    const dir = tmp();
    const file = path.join(dir, 'a', 'b', 'config.json');
    const config = parseConfig(JSON.stringify({ columns: ['index', { attr: 'from', width: 20 }], aliases: { '10.0.0.1': 'pbx' }, ui: { timeFormat: 'clock' } }), file);
    saveConfig(file, config);
    expect(loadConfig(file)).toEqual({ path: file, exists: true, config });
    expect(readdirSync(path.dirname(file))).toEqual(['config.json']);
    expect(readFileSync(file, 'utf8')).toBe(formatConfig(config));
    expect(readFileSync(file, 'utf8')).toContain('"index",\n    {\n      "attr": "from",\n      "width": 20\n    }');
  });

  it('update keeps what was edited by hand since, and never overwrites a file that became invalid', () => {
    const dir = tmp();
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ aliases: { '10.0.0.9': 'edited by hand' } }));
    updateConfig(file, (c) => ({ ...c, columns: [{ attr: 'index' }, { attr: 'state' }] }));
    expect(loadConfig(file).config).toEqual({ columns: [{ attr: 'index' }, { attr: 'state' }], aliases: { '10.0.0.9': 'edited by hand' } });
    writeFileSync(file, '{"columns": 3}');
    expect(() => updateConfig(file, (c) => ({ ...c, ui: { compress: true } }))).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('{"columns": 3}');
  });

  it('a directory that cannot be written is a one-line error, and the old file stays', () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions: a path under a file cannot be created either
      const dir = tmp();
      writeFileSync(path.join(dir, 'plain'), 'x');
      expect(() => saveConfig(path.join(dir, 'plain', 'config.json'), {})).toThrow(/: cannot write: (a parent is not a directory|EEXIST|ENOTDIR)/);
      return;
    }
    const dir = tmp();
    mkdirSync(path.join(dir, 'ro'));
    const file = path.join(dir, 'ro', 'config.json');
    writeFileSync(file, '{}');
    chmodSync(path.join(dir, 'ro'), 0o500);
    expect(() => saveConfig(file, { ui: { compress: true } })).toThrow(`${file}: cannot write: permission denied`);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });
});
