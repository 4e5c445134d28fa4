/** Test helpers: load a shared capture into a store, and a fake UiEnv for the reducer. */
import path from 'node:path';
import { startLoad } from '../../src/io/load-capture.js';
import type { ScreenContext } from '../../src/tui/screens/context.js';
import type { UiEnv } from '../../src/tui/ui-state.js';
import { requireSharedCaptures } from '../conformance/shared-captures.js';

export async function loadContext(file: string): Promise<ScreenContext> {
  const full = path.isAbsolute(file) ? file : path.join(requireSharedCaptures(), file);
  const load = startLoad(full);
  await load.done;
  return { store: load.store, input: path.basename(full), load: { ...load.progress } };
}

/** An env over a fixed list of ids (in display order). */
export function fakeEnv(ids: readonly number[], over: Partial<UiEnv> = {}): UiEnv {
  return {
    listTotal: ids.length,
    listIdAt: (p) => ids[p],
    listPosOf: (id) => {
      const i = ids.indexOf(id);
      return i < 0 ? undefined : i;
    },
    pageRows: 10,
    flowRows: 0,
    textLines: 0,
    hscrollMax: 0,
    checkFilter: () => undefined,
    flowSeqAt: (row) => row + 100,
    ...over,
  };
}
