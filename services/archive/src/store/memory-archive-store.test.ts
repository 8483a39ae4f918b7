import { describeArchiveStoreContract } from './archive-store.contract.js';
import { createMemoryArchiveStore } from './memory-archive-store.js';

describeArchiveStoreContract('memory', async () => ({
  store: createMemoryArchiveStore(),
  dispose: async () => undefined,
}));

describe('memory ArchiveStore', () => {
  test('when set up, then it asks the service to sweep retention (no native expiry)', async () => {
    expect(await createMemoryArchiveStore().init()).toEqual({ nativeExpiry: false });
  });
});
