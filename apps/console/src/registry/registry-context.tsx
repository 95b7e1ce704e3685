import { type ReactNode, createContext, useContext } from 'react';
import type { RegistryBody } from '../api/api-types';
import { type ApiState, useApi } from '../api/use-api';

const RegistryContext = createContext<ApiState<RegistryBody>>({ answer: undefined, error: undefined, loading: true });

/** GET /v1/registry once per key, shared by every page (the registry does not change while the API runs). */
export function RegistryProvider({ children }: { readonly children: ReactNode }) {
  return <RegistryContext.Provider value={useApi<RegistryBody>('/v1/registry')}>{children}</RegistryContext.Provider>;
}

export const useRegistry = () => useContext(RegistryContext);
