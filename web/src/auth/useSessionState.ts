import { useServices } from '../ServicesContext';
import { useStore } from '../shared/useStore';
import type { SessionState } from './session-manager';

export function useSessionState(): SessionState {
  return useStore(useServices().session.state);
}
