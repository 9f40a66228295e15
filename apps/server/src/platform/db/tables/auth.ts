/** Sign-in throttling (migration 0035). Times are epoch ms. */
export interface LoginThrottleTable {
  /** `account:<lowercased email>` or `ip:<client address>`. */
  key: string;
  /** Sign-in attempts counted since the last success (or since the window expired). */
  attempts: number;
  /** No attempt for this key is verified before this time. */
  blockedUntil: number | null;
  updatedAt: number;
}

/** An invitation to join an organization (migration 0036); the token is kept only as its SHA-256. */
export interface InvitationsTable {
  id: string;
  organizationId: string;
  /** Lowercased. */
  email: string;
  role: 'admin' | 'manager' | 'support' | 'officer' | 'member';
  employeeId: string | null;
  tokenHash: string;
  invitedByUserId: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  acceptedUserId: string | null;
  revokedAt: number | null;
}

export interface AuthTables {
  loginThrottle: LoginThrottleTable;
  invitations: InvitationsTable;
}
