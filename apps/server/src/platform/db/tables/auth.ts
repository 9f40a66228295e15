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

export interface AuthTables {
  loginThrottle: LoginThrottleTable;
}
