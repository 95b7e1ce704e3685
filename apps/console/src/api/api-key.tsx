import { type ReactNode, createContext, useContext, useMemo, useState } from 'react';

interface ApiKeyState {
  /** The key the page sends, '' for none. */
  readonly key: string;
  readonly setKey: (key: string) => void;
}

const ApiKeyContext = createContext<ApiKeyState>({ key: '', setKey: () => undefined });

/**
 * The API key, held in this tab's memory only: never written to storage, a cookie or a URL, so
 * it leaves with the tab and no link or history entry carries it.
 */
export function ApiKeyProvider({ children }: { readonly children: ReactNode }) {
  const [key, setKey] = useState('');
  const value = useMemo(() => ({ key, setKey }), [key]);
  return <ApiKeyContext.Provider value={value}>{children}</ApiKeyContext.Provider>;
}

export const useApiKey = () => useContext(ApiKeyContext);
