/**
 * The board's vocabulary: what a claim, a release, a pinned note and a session are once a
 * line of the board has been understood. Times are absolute `Date`s; the format module turns
 * the seed's short `19:15` forms into them.
 */

export type ClaimMode = 'exclusive' | 'shared';

export interface Claim {
  /** Stable id the tool adds (`id k3x9q`); hand-written lines have none until rewritten. */
  id?: string;
  session: string;
  /** Path key or glob as written on the board: `repo/src/**`, `infra:homelab-prod`, `/etc/x`. */
  path: string;
  started: Date;
  eta?: Date;
  /** When the lease ends unless renewed. Hand-written lines get ETA + TTL (or start + TTL). */
  expires: Date;
  /** True when `expires` was derived rather than written on the line. */
  leaseDerived: boolean;
  /**
   * The claim's own lease length: every renewal pushes the lease this far ahead, and an expiry
   * names it. Written on the line as `ttl 4s` when it is not the default; absent means the default.
   */
  ttlMs?: number;
  mode: ClaimMode;
  reason?: string;
  /** Process that holds the claim (a Claude Code pid) and its host: a dead holder frees it. */
  pid?: number;
  host?: string;
  /** Session this claim was taken over from with `--force`. */
  forcedFrom?: string;
  /** Fields on the line this version does not understand, kept when the line is rewritten. */
  extras?: string[];
  /** 1-based line number on the board. */
  line: number;
}

export interface Release {
  at: Date;
  session: string;
  path: string;
  /** Free text after the path (`done`, `expired — no heartbeat for 60 min`, …); absent in the seed. */
  outcome?: string;
  line: number;
}

export interface PinnedNote {
  text: string;
  line: number;
}

export interface SessionRecord {
  name: string;
  /** The Claude Code `session_id`, so a resumed session gets the same name. */
  externalId?: string;
  started: Date;
  pid?: number;
  host?: string;
  repo?: string;
  task?: string;
  ended?: Date;
  line: number;
}

export interface Problem {
  line: number;
  message: string;
}

/** What changed on the board in one write: the announcements layer turns these into posts. */
export type BoardEvent =
  | { kind: 'claim'; session: string; path: string; eta?: Date; expires: Date; mode: ClaimMode; reason?: string; claimId?: string; /** The claim's lease length. */ ttlMs?: number }
  | { kind: 'release'; session: string; path: string; claimId?: string }
  | { kind: 'expire'; session: string; path: string; claimId?: string; expiredAt: Date; why: 'lease' | 'holder-gone'; /** The claim's own lease length. */ leaseMs?: number }
  | {
      kind: 'takeover';
      session: string;
      path: string;
      from: string;
      claimId?: string;
      /** The person who said yes (a handover), absent for a forced claim. */
      approvedBy?: string;
      /** The post id of the question the person answered: the takeover is said in its thread. */
      questionId?: string;
    }
  | { kind: 'start'; session: string; repo?: string; task?: string }
  | { kind: 'end'; session: string; paths: string[] };
