/**
 * Address aliases from the config file, as the call list shows them: an alias of the exact
 * `ip:port` replaces it, an alias of the host keeps the port (`pbx:5060`), so two ports of one
 * host stay told apart. The ladder does the same through layoutLadder's `aliases` option.
 */
import { sanitizeField } from '../core/text/sanitize.js';
import { splitAddress } from './ladder.js';

export function aliasAddress(address: string, aliases: ReadonlyMap<string, string> | undefined): string {
  if (aliases === undefined || aliases.size === 0) return address;
  const exact = aliases.get(address);
  if (exact !== undefined) return sanitizeField(exact);
  const { host, port } = splitAddress(address);
  const byHost = aliases.get(host);
  if (byHost === undefined) return address;
  return sanitizeField(port === '' ? byHost : `${byHost}:${port}`);
}

/** Attributes whose values are addresses (shown through the aliases). */
export const ADDRESS_ATTRIBUTES: ReadonlySet<string> = new Set(['src', 'dst']);
