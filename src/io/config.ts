/**
 * The user's configuration file (JSON): call-list columns, address aliases, extra headers that
 * link related calls, and terminal UI settings. Read from `$SIPTRACE_CONFIG`, else
 * `$XDG_CONFIG_HOME/siptrace/config.json` (XDG Base Directory spec; `~/.config` when unset).
 *
 * Validation is strict: an unknown key, a wrong type or an unknown attribute is a ConfigError
 * whose one-line message names the file and the key (`columns[2]`, `ui.colorMode`), so a typo
 * is reported instead of silently ignored. A missing file is an empty configuration.
 * Saving writes a temporary file beside the target and renames it over (atomic on POSIX), so
 * a crash never leaves half a file.
 */
import { fsErrorText } from './fs-errors.js';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP, SocketAddress } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { ATTRIBUTE_IDS, findAttribute } from '../core/store/attributes.js';

export const CONFIG_ENV = 'SIPTRACE_CONFIG';
/** A config file is a few KB; anything this large is not one (a wrong path). */
export const CONFIG_MAX_BYTES = 1024 * 1024;
/** Widest column a config may ask for (cells): wider only hides the other columns. */
export const COLUMN_MAX_WIDTH = 200;
/** Longest alias (cells): a ladder header wider than this is unreadable. */
export const ALIAS_MAX_LENGTH = 64;
export const MAX_RELATED_HEADERS = 32;
/** Message pane width bounds (cells), as the UI clamps them. */
export const PANE_WIDTH_MIN = 24;
export const PANE_WIDTH_MAX = 160;

export const CONFIG_COLOR_MODES = ['reqres', 'cseq', 'callid'] as const;
export const CONFIG_SDP_MODES = ['codecs', 'marker'] as const;
/** Ladder gutter: clock + delta to the previous arrow, time since the first arrow, clock only. */
export const CONFIG_TIME_FORMATS = ['delta', 'relative', 'clock'] as const;

export type ConfigColorMode = (typeof CONFIG_COLOR_MODES)[number];
export type ConfigSdpMode = (typeof CONFIG_SDP_MODES)[number];
export type ConfigTimeFormat = (typeof CONFIG_TIME_FORMATS)[number];

export interface ColumnConfig {
  /** Attribute id from core/store/attributes.ts (aliases are resolved on load). */
  readonly attr: string;
  /** Width in cells; the attribute's own width when absent. */
  readonly width?: number;
}

export interface UiConfig {
  readonly colorMode?: ConfigColorMode;
  readonly timeFormat?: ConfigTimeFormat;
  readonly showRetransmissions?: boolean;
  readonly messagePane?: boolean;
  readonly messagePaneWidth?: number;
  readonly sdpMode?: ConfigSdpMode;
  readonly rtpArrows?: boolean;
  readonly compress?: boolean;
}

export interface SiptraceConfig {
  readonly columns?: readonly ColumnConfig[];
  /** Normalised address (`ip`, `ip:port`, `[v6]:port`, bare v6) → display name. */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly relatedCallHeaders?: readonly string[];
  readonly ui?: UiConfig;
}

export interface LoadedConfig {
  readonly path: string;
  /** False when there was no file (the config is then empty). */
  readonly exists: boolean;
  readonly config: SiptraceConfig;
}

/** Why a config cannot be used; `key` is the JSON path of the bad value when there is one. */
export class ConfigError extends Error {
  readonly code = 'CONFIG';
  constructor(
    readonly file: string,
    readonly key: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}: ${key !== undefined ? `${key}: ` : ''}${reason}`);
    this.name = 'ConfigError';
  }
}

/** Where the config lives for this environment. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[CONFIG_ENV];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env.XDG_CONFIG_HOME;
  // XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env.HOME ?? homedir(), '.config');
  return path.join(base, 'siptrace', 'config.json');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 40) + '...' : v}"` : typeof v);
// C0, DEL and C1 controls: a name drawn in a terminal must not carry them
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** RFC 3261 §25.1 token characters: a header name. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * Normalises an alias key: IPv4 or IPv6 host, optionally with a port (`[v6]:port` for IPv6).
 * IPv6 is written in its canonical form (RFC 5952), as the decoder prints it.
 */
export function normalizeAliasAddress(text: string): string | undefined {
  let host = text;
  let port: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket !== null) {
    host = bracket[1]!;
    port = bracket[2];
    if (isIP(host) !== 6) return undefined;
  } else if (isIP(text) === 0) {
    const colon = text.lastIndexOf(':');
    if (colon < 0 || text.indexOf(':') !== colon) return undefined;
    host = text.slice(0, colon);
    port = text.slice(colon + 1);
    if (isIP(host) !== 4 || !/^\d+$/.test(port)) return undefined;
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  // inet_ntop's text, as the decoder writes it (RFC 5952, dotted IPv4-mapped tail)
  if (isIP(host) === 6) host = new SocketAddress({ address: host, family: 'ipv6' }).address;
  if (port === undefined) return host;
  return isIP(host) === 6 ? `[${host}]:${Number(port)}` : `${host}:${Number(port)}`;
}

function checkKeys(file: string, where: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new ConfigError(file, where === '' ? k : `${where}.${k}`, `unknown key (known: ${allowed.join(', ')})`);
  }
}

function parseColumns(file: string, v: unknown): ColumnConfig[] {
  if (!Array.isArray(v)) throw new ConfigError(file, 'columns', `must be an array of attribute names, not ${describe(v)}`);
  if (v.length === 0) throw new ConfigError(file, 'columns', 'must name at least one attribute');
  const seen = new Set<string>();
  return v.map((item, i) => {
    const key = `columns[${i}]`;
    let name: unknown = item;
    let width: unknown;
    if (isObject(item)) {
      checkKeys(file, key, item, ['attr', 'width']);
      name = item.attr;
      width = item.width;
    }
    if (typeof name !== 'string') throw new ConfigError(file, key, `must be an attribute name or { "attr": name, "width": n }, not ${describe(item)}`);
    const attr = findAttribute(name);
    if (attr === undefined) throw new ConfigError(file, key, `unknown attribute ${describe(name)} (known: ${ATTRIBUTE_IDS.join(' ')})`);
    if (seen.has(attr.id)) throw new ConfigError(file, key, `attribute "${attr.id}" is listed twice`);
    seen.add(attr.id);
    if (width === undefined) return { attr: attr.id };
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 1 || width > COLUMN_MAX_WIDTH) {
      throw new ConfigError(file, `${key}.width`, `must be a whole number from 1 to ${COLUMN_MAX_WIDTH}, not ${describe(width)}`);
    }
    return { attr: attr.id, width };
  });
}

function parseAliases(file: string, v: unknown): Record<string, string> {
  if (!isObject(v)) throw new ConfigError(file, 'aliases', `must be an object of "address": "name", not ${describe(v)}`);
  const out: Record<string, string> = {};
  for (const [k, name] of Object.entries(v)) {
    const key = `aliases["${k}"]`;
    const addr = normalizeAliasAddress(k);
    if (addr === undefined) throw new ConfigError(file, key, 'is not an IP address or address:port ([v6]:port for IPv6)');
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(file, key, `must be a non-empty name, not ${describe(name)}`);
    if (CONTROL.test(name)) throw new ConfigError(file, key, 'the name holds a control character');
    if (Array.from(name.trim()).length > ALIAS_MAX_LENGTH) throw new ConfigError(file, key, `the name is longer than ${ALIAS_MAX_LENGTH} characters`);
    if (out[addr] !== undefined) throw new ConfigError(file, key, `the same address as another alias (${addr})`);
    out[addr] = name.trim();
  }
  return out;
}

function parseHeaders(file: string, v: unknown): string[] {
  if (!Array.isArray(v)) throw new ConfigError(file, 'relatedCallHeaders', `must be an array of header names, not ${describe(v)}`);
  if (v.length > MAX_RELATED_HEADERS) throw new ConfigError(file, 'relatedCallHeaders', `at most ${MAX_RELATED_HEADERS} headers`);
  return v.map((h, i) => {
    if (typeof h !== 'string' || !TOKEN.test(h)) throw new ConfigError(file, `relatedCallHeaders[${i}]`, `must be a header name, not ${describe(h)}`);
    return h;
  });
}

function oneOf<T extends string>(file: string, key: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new ConfigError(file, key, `must be one of ${values.join(', ')}, not ${describe(v)}`);
  return v as T;
}

function bool(file: string, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ConfigError(file, key, `must be true or false, not ${describe(v)}`);
  return v;
}

const UI_KEYS = ['colorMode', 'timeFormat', 'showRetransmissions', 'messagePane', 'messagePaneWidth', 'sdpMode', 'rtpArrows', 'compress'] as const;

function parseUi(file: string, v: unknown): UiConfig {
  if (!isObject(v)) throw new ConfigError(file, 'ui', `must be an object, not ${describe(v)}`);
  checkKeys(file, 'ui', v, UI_KEYS);
  const ui: { -readonly [K in keyof UiConfig]: UiConfig[K] } = {};
  if (v.colorMode !== undefined) ui.colorMode = oneOf(file, 'ui.colorMode', v.colorMode, CONFIG_COLOR_MODES);
  if (v.timeFormat !== undefined) ui.timeFormat = oneOf(file, 'ui.timeFormat', v.timeFormat, CONFIG_TIME_FORMATS);
  if (v.sdpMode !== undefined) ui.sdpMode = oneOf(file, 'ui.sdpMode', v.sdpMode, CONFIG_SDP_MODES);
  if (v.showRetransmissions !== undefined) ui.showRetransmissions = bool(file, 'ui.showRetransmissions', v.showRetransmissions);
  if (v.messagePane !== undefined) ui.messagePane = bool(file, 'ui.messagePane', v.messagePane);
  if (v.rtpArrows !== undefined) ui.rtpArrows = bool(file, 'ui.rtpArrows', v.rtpArrows);
  if (v.compress !== undefined) ui.compress = bool(file, 'ui.compress', v.compress);
  if (v.messagePaneWidth !== undefined) {
    const w = v.messagePaneWidth;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < PANE_WIDTH_MIN || w > PANE_WIDTH_MAX) {
      throw new ConfigError(file, 'ui.messagePaneWidth', `must be a whole number from ${PANE_WIDTH_MIN} to ${PANE_WIDTH_MAX}, not ${describe(w)}`);
    }
    ui.messagePaneWidth = w;
  }
  return ui;
}

/** Validates the text of a config file (`file` names it in errors). */
export function parseConfig(text: string, file: string): SiptraceConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, undefined, `not valid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (!isObject(json)) throw new ConfigError(file, undefined, `must hold a JSON object, not ${describe(json)}`);
  checkKeys(file, '', json, ['columns', 'aliases', 'relatedCallHeaders', 'ui']);
  return {
    ...(json.columns !== undefined ? { columns: parseColumns(file, json.columns) } : {}),
    ...(json.aliases !== undefined ? { aliases: parseAliases(file, json.aliases) } : {}),
    ...(json.relatedCallHeaders !== undefined ? { relatedCallHeaders: parseHeaders(file, json.relatedCallHeaders) } : {}),
    ...(json.ui !== undefined ? { ui: parseUi(file, json.ui) } : {}),
  };
}


/** Reads and validates the config at `file` (default: configPath()). A missing file is empty. */
export function loadConfig(file: string = configPath()): LoadedConfig {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, exists: false, config: {} };
    throw new ConfigError(file, undefined, `cannot read: ${fsErrorText(err)}`);
  }
  if (buf.length > CONFIG_MAX_BYTES) throw new ConfigError(file, undefined, `larger than ${CONFIG_MAX_BYTES} bytes: not a config file`);
  return { path: file, exists: true, config: parseConfig(buf.toString('utf8'), file) };
}

/** The config as JSON text: columns without a width as plain names, keys in a fixed order. */
export function formatConfig(config: SiptraceConfig): string {
  const out: Record<string, unknown> = {};
  if (config.columns !== undefined) out.columns = config.columns.map((c) => (c.width === undefined ? c.attr : { attr: c.attr, width: c.width }));
  if (config.aliases !== undefined) out.aliases = config.aliases;
  if (config.relatedCallHeaders !== undefined) out.relatedCallHeaders = config.relatedCallHeaders;
  if (config.ui !== undefined) {
    const ui: Record<string, unknown> = {};
    for (const k of UI_KEYS) if (config.ui[k] !== undefined) ui[k] = config.ui[k];
    out.ui = ui;
  }
  return JSON.stringify(out, null, 2) + '\n';
}

/** Writes the config atomically: a temporary file in the same directory, renamed over. */
export function saveConfig(file: string, config: SiptraceConfig): void {
  // what we write must read back: validate first (a programming error shows here, not on next start)
  parseConfig(formatConfig(config), file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, formatConfig(config), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was created there
    }
    throw new ConfigError(file, undefined, `cannot write: ${fsErrorText(err)}`);
  }
}

/**
 * Re-reads the file, changes part of it and writes it back: edits made by hand since the UI
 * started are kept (a file that became invalid is an error, never overwritten).
 */
export function updateConfig(file: string, change: (c: SiptraceConfig) => SiptraceConfig): SiptraceConfig {
  const next = change(loadConfig(file).config);
  saveConfig(file, next);
  return next;
}

/** The aliases as the ladder layout takes them (address or host → name). */
export function aliasMap(config: SiptraceConfig): ReadonlyMap<string, string> {
  return new Map(Object.entries(config.aliases ?? {}));
}
