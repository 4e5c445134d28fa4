import { describe, expect, it } from 'vitest';
import * as lt from '../../src/core/capture/linktypes.js';

describe('linktypes', () => {
  it('has the registry values and names', () => {
    expect([lt.LINKTYPE_NULL, lt.LINKTYPE_ETHERNET, lt.LINKTYPE_PPP, lt.LINKTYPE_RAW_BSD, lt.LINKTYPE_RAW_OPENBSD, lt.LINKTYPE_PPP_ETHER,
      lt.LINKTYPE_RAW, lt.LINKTYPE_LOOP, lt.LINKTYPE_LINUX_SLL, lt.LINKTYPE_IPV4, lt.LINKTYPE_IPV6, lt.LINKTYPE_NFLOG, lt.LINKTYPE_LINUX_SLL2])
      .toEqual([0, 1, 9, 12, 14, 51, 101, 108, 113, 228, 229, 239, 276]);
    expect(lt.linkTypeName(113)).toBe('LINUX_SLL');
    expect(lt.linkTypeName(147)).toBe('LINKTYPE 147');
    expect(new Set(lt.namedLinkTypes().map(lt.linkTypeName)).size).toBe(lt.namedLinkTypes().length);
  });
});
