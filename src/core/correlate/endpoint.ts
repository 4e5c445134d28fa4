/** Endpoint labels (`ip:port`), the unit of a ladder column. */
import type { Endpoint } from './types.js';

/** IPv6 addresses are bracketed so the port stays unambiguous (RFC 3986 §3.2.2 style). */
export function endpoint(ip: string, port: number): Endpoint {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
