/**
 * SIP/SIPS URIs (RFC 3261 §19.1), TEL URIs (RFC 3966) and name-addr values
 * (`"Display" <sip:user@host:port;params>;tag=x`, RFC 3261 §20.10 / §25.1). Used for the
 * From/To/Contact columns, not on the hot path. Lenient and never throws: odd text gives
 * partial results or undefined.
 */
import { listValueEnd, parseParamList, skipQuotedString, unquote, type Param } from './params.js';

export interface SipUri {
  /** Lower-cased scheme: `sip`, `sips`, `tel`, or whatever was written (`urn`, `http`...). */
  readonly scheme: string;
  /** User part as written (percent escapes kept); for `tel:` the number. */
  readonly user?: string;
  readonly password?: string;
  /** Host without brackets (IPv6 as written inside `[...]`); '' when there is none (tel, others). */
  readonly host: string;
  /** Port, when written and valid (0..65535). */
  readonly port?: number;
  /** URI parameters (`;transport=tcp;lr`), in order. */
  readonly params: readonly Param[];
  /** Header part after `?`, as written. */
  readonly headers?: string;
  /** Everything after `scheme:` for schemes other than sip/sips/tel. */
  readonly opaque?: string;
  /** The URI text as given (trimmed). */
  readonly raw: string;
}

export interface NameAddr {
  /** Display name, unquoted; undefined when absent. */
  readonly displayName?: string;
  /** The URI text (inside `<...>` when bracketed). */
  readonly uriText: string;
  /** Parsed URI; undefined when the text has no scheme. */
  readonly uri?: SipUri;
  /** Header parameters after the URI (`tag`, `expires`, `q`...). */
  readonly params: readonly Param[];
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** Longest URI text parsed, characters (a Request-URI or header URI is never near this). */
export const MAX_URI_CHARS = 8192;

/** Parses a URI; undefined when there is no `scheme:`. */
export function parseUri(text: string): SipUri | undefined {
  const raw = text.trim().slice(0, MAX_URI_CHARS);
  const colon = raw.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = raw.slice(0, colon);
  if (!SCHEME_RE.test(scheme)) return undefined;
  const lowerScheme = scheme.toLowerCase();
  const rest = raw.slice(colon + 1);
  if (lowerScheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    return { scheme: lowerScheme, user: number, host: '', params: semi < 0 ? [] : parseParamList(rest.slice(semi)), raw };
  }
  if (lowerScheme !== 'sip' && lowerScheme !== 'sips') {
    return { scheme: lowerScheme, host: '', params: [], opaque: rest, raw };
  }
  const q = rest.indexOf('?');
  const beforeHeaders = q < 0 ? rest : rest.slice(0, q);
  const headers = q < 0 ? undefined : rest.slice(q + 1);
  // userinfo ends at '@' (user and password cannot hold a raw '@', RFC 3261 §25.1)
  const at = beforeHeaders.indexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = beforeHeaders;
  if (at >= 0) {
    const userinfo = beforeHeaders.slice(0, at);
    hostPart = beforeHeaders.slice(at + 1);
    const pc = userinfo.indexOf(':');
    if (pc >= 0) {
      user = userinfo.slice(0, pc);
      password = userinfo.slice(pc + 1);
    } else user = userinfo;
  }
  let host: string;
  let port: number | undefined;
  let paramsFrom: number;
  if (hostPart.startsWith('[')) {
    // IPv6reference (RFC 3261 §25.1): brackets, then optional :port
    const close = hostPart.indexOf(']');
    const hostEnd = close < 0 ? hostPart.search(/[;:]|$/) : close;
    host = hostPart.slice(1, hostEnd);
    let i = close < 0 ? hostEnd : close + 1;
    if (hostPart[i] === ':') {
      const m = /^\d{1,5}/.exec(hostPart.slice(i + 1));
      if (m) port = Number(m[0]);
      i += 1 + (m ? m[0].length : 0);
    }
    paramsFrom = hostPart.indexOf(';', i);
  } else {
    const semi = hostPart.indexOf(';');
    const hostport = semi < 0 ? hostPart : hostPart.slice(0, semi);
    const pc = hostport.lastIndexOf(':');
    if (pc >= 0) {
      host = hostport.slice(0, pc);
      const p = hostport.slice(pc + 1);
      if (/^\d{1,5}$/.test(p)) port = Number(p);
    } else host = hostport;
    paramsFrom = semi;
  }
  if (port !== undefined && port > 65535) port = undefined;
  const params = paramsFrom < 0 ? [] : parseParamList(hostPart.slice(paramsFrom));
  const uri: { -readonly [K in keyof SipUri]: SipUri[K] } = { scheme: lowerScheme, host, params, raw };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  if (headers !== undefined) uri.headers = headers;
  return uri;
}

/**
 * Parses the first value of a From/To/Contact-style header: name-addr or addr-spec.
 * In addr-spec form everything after the first `;` is a header parameter (RFC 3261 §20.10).
 */
export function parseNameAddr(value: string): NameAddr {
  const buf = Buffer.from(value, 'utf8');
  const end = listValueEnd(buf, 0, buf.length);
  const text = buf.toString('utf8', 0, end).trim();
  let displayName: string | undefined;
  let i = 0;
  if (text.startsWith('"')) {
    const tb = Buffer.from(text, 'utf8');
    const close = skipQuotedString(tb, 0, tb.length);
    const quoted = tb.toString('utf8', 0, close);
    displayName = unquote(quoted);
    i = quoted.length;
  }
  const lt = text.indexOf('<', i);
  let uriText: string;
  let paramText = '';
  if (lt >= 0) {
    if (displayName === undefined) {
      const token = text.slice(0, lt).trim();
      if (token !== '') displayName = token;
    }
    const gt = text.indexOf('>', lt + 1);
    uriText = text.slice(lt + 1, gt < 0 ? text.length : gt).trim();
    paramText = gt < 0 ? '' : text.slice(gt + 1);
  } else {
    const rest = text.slice(i).trim();
    const semi = rest.indexOf(';');
    uriText = semi < 0 ? rest : rest.slice(0, semi).trim();
    paramText = semi < 0 ? '' : rest.slice(semi);
  }
  const semi = paramText.indexOf(';');
  const params = semi < 0 ? [] : parseParamList(paramText.slice(semi));
  const uri = parseUri(uriText);
  const out: { -readonly [K in keyof NameAddr]: NameAddr[K] } = { uriText, params };
  if (displayName !== undefined) out.displayName = displayName;
  if (uri !== undefined) out.uri = uri;
  return out;
}

/** `user@host` (or host, or the number) for a column; '' when nothing usable. */
export function uriUserAtHost(uri: SipUri | undefined): string {
  if (!uri) return '';
  if (uri.scheme === 'tel') return uri.user ?? '';
  if (uri.opaque !== undefined) return `${uri.scheme}:${uri.opaque}`;
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  return uri.user !== undefined && uri.user !== '' ? `${uri.user}@${host}` : host;
}
