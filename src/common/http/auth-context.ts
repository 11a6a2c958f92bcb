import type { AccessRule } from './access-rules.js';

/** Who is calling, as established from a validated token (keystonemiddleware's view). */
export interface AuthContext {
  readonly token: string;
  readonly userId: string;
  readonly userName: string;
  readonly userDomainId: string;
  readonly userDomainName: string;
  readonly projectId?: string;
  readonly projectName?: string;
  readonly projectDomainId?: string;
  readonly projectDomainName?: string;
  readonly domainId?: string;
  readonly domainName?: string;
  /** 'all' when the token is scoped to the whole deployment. */
  readonly system?: 'all';
  /** Effective role names (implied roles expanded). */
  readonly roles: ReadonlyArray<string>;
  readonly methods: ReadonlyArray<string>;
  readonly auditIds: ReadonlyArray<string>;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly applicationCredentialId?: string;
  /** False for an application credential that may not create other credentials. */
  readonly unrestricted: boolean;
  /** Set when the token comes from an application credential limited to these calls. */
  readonly accessRules?: ReadonlyArray<AccessRule>;
}

/** Turns an `X-Auth-Token` into an AuthContext or throws UnauthorizedError. */
export interface TokenValidator {
  validate(token: string): Promise<AuthContext>;
}
