import { useCallback, useSyncExternalStore } from 'react';
import type { Store } from './store';

/** Reads a store (or a part of it: the selector must return stable references). */
export function useStore<T, S = T>(store: Store<T>, selector?: (value: T) => S): S {
  const select = useCallback(
    () => (selector ? selector(store.get()) : (store.get() as unknown as S)),
    [store, selector],
  );
  return useSyncExternalStore(store.subscribe, select, select);
}
