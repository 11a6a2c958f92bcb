/** The browser's Keystone session: a project-scoped token and its catalog, kept for the tab only. */
export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: { readonly id: string; readonly name: string; readonly domain: string };
  readonly project: { readonly id: string; readonly name: string };
  readonly roles: ReadonlyArray<string>;
  readonly catalog: ReadonlyArray<CatalogEntry>;
}

export interface CatalogEntry {
  readonly type: string;
  readonly endpoints: ReadonlyArray<{ readonly interface: string; readonly url: string }>;
}

const key = 'strata.session';

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(key);
  if (raw === null) return undefined;
  const s = JSON.parse(raw) as Session;
  return expired(s) ? (clearSession(), undefined) : s;
}

export const saveSession = (s: Session): void => sessionStorage.setItem(key, JSON.stringify(s));
export const clearSession = (): void => sessionStorage.removeItem(key);
export const expired = (s: Session): boolean => Date.parse(s.expiresAt) <= Date.now();

/** The public endpoint of a service type, or undefined when the cloud does not run it. */
export function endpointOf(s: Session, type: string): string | undefined {
  const entry = s.catalog.find((e) => e.type === type);
  return entry?.endpoints.find((e) => e.interface === 'public')?.url.replace(/\/$/, '');
}

/** Whether the catalog lists any of these service types (pages appear only for those). */
export const hasService = (s: Session, ...types: string[]): boolean =>
  types.some((t) => endpointOf(s, t) !== undefined);

/** The role check the admin pages hang on; the APIs enforce the real policy. */
export const isAdmin = (s: Session): boolean => s.roles.includes('admin');
