/**
 * Just enough header-value reading for correlation: From/To display name, URI and user
 * (RFC 3261 §20.20, §20.39, grammar in §25.1 name-addr / addr-spec) and the top Via sent-by
 * (§20.42), which RFC 2543 transaction matching needs. Never throws; odd input gives ''.
 */
import type { Party } from './types.js';

const EMPTY_PARTY: Party = { display: '', uri: '', user: '' };

/** Reads a From/To header value. `tag` comes from the parser's up-front field, not from here. */
export function parseParty(value: string | undefined, tag: string | undefined): Party {
  if (value === undefined) return tag === undefined ? EMPTY_PARTY : { ...EMPTY_PARTY, tag };
  const v = value.trim();
  let display = '';
  let uri: string;
  const lt = findUnquoted(v, '<');
  if (lt >= 0) {
    display = unquote(v.slice(0, lt).trim());
    const gt = v.indexOf('>', lt + 1);
    uri = v.slice(lt + 1, gt < 0 ? v.length : gt).trim();
  } else {
    // addr-spec form: parameters after ';' belong to the header, not to the URI (§20.10)
    const semi = v.indexOf(';');
    uri = (semi < 0 ? v : v.slice(0, semi)).trim();
  }
  const party: Party = { display, uri, user: userOf(uri) };
  return tag === undefined ? party : { ...party, tag };
}

/** User part of sip:/sips: (before '@', without password) or the number of a tel: URI. */
export function userOf(uri: string): string {
  const colon = uri.indexOf(':');
  if (colon < 0) return '';
  const scheme = uri.slice(0, colon).toLowerCase();
  const rest = uri.slice(colon + 1);
  if (scheme === 'tel') return cutAt(rest, ';');
  if (scheme !== 'sip' && scheme !== 'sips') return '';
  const at = rest.lastIndexOf('@');
  if (at < 0) return '';
  return cutAt(rest.slice(0, at), ':');
}

/**
 * sent-by of the first Via value: `SIP/2.0/UDP host:port;branch=..` gives `host:port`,
 * lower-cased with spaces removed so that equal values compare equal.
 */
export function viaSentBy(value: string | undefined): string {
  if (value === undefined) return '';
  const first = cutAt(value, ',');
  // After "SIP / 2.0 / UDP" comes LWS then sent-by; the protocol part has no ';' or ':' in it.
  const m = /^\s*[^\s/]+\s*\/\s*[^\s/]+\s*\/\s*[^\s;]+\s+([^;]*)/.exec(first);
  if (m === null) return '';
  return m[1]!.replace(/\s+/g, '').toLowerCase();
}

function cutAt(s: string, ch: string): string {
  const i = s.indexOf(ch);
  return i < 0 ? s : s.slice(0, i);
}

function findUnquoted(s: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) return i;
  }
  return -1;
}

/** quoted-string → its content with quoted-pairs resolved (§25.1). */
function unquote(s: string): string {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return s;
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}
