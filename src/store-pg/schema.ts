/**
 * The shared store's schema, one entry per version: `claimboard store init` applies those past
 * the database's version, in order, under one lock. Never edit a released entry: add one.
 */
export const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: claims, their history, pinned notes, sessions; several boards per database.
  [
    // Every grant takes the next number: a fencing token that only grows, across all boards.
    'create sequence if not exists claimboard_fence',
    `create table if not exists claimboard_claims (
      board text not null,
      id text not null,
      session text not null,
      path text not null,
      started timestamptz not null,
      eta timestamptz,
      expires timestamptz not null,
      ttl_ms bigint,
      mode text not null check (mode in ('exclusive', 'shared')),
      reason text,
      pid integer,
      host text,
      forced_from text,
      extras text[],
      fence bigint not null unique,
      primary key (board, id)
    )`,
    'create index if not exists claimboard_claims_session on claimboard_claims (board, session)',
    // Releases, expiries and takeovers: written once, never deleted by a write.
    `create table if not exists claimboard_history (
      seq bigserial primary key,
      board text not null,
      at timestamptz not null,
      session text not null,
      path text not null,
      claim_id text,
      fence bigint,
      kind text not null check (kind in ('release', 'expire', 'takeover')),
      outcome text not null
    )`,
    'create index if not exists claimboard_history_board on claimboard_history (board, seq)',
    `create table if not exists claimboard_notes (
      seq bigserial primary key,
      board text not null,
      text text not null,
      created timestamptz not null
    )`,
    `create table if not exists claimboard_sessions (
      board text not null,
      name text not null,
      external_id text,
      started timestamptz not null,
      pid integer,
      host text,
      repo text,
      task text,
      ended timestamptz,
      primary key (board, name)
    )`,
  ],
  // 2: each claim's literal head (the core's `matchHead` of its path, written with the claim), so
  // a hot read selects the claims whose head may overlap the asked paths' (reads.ts, LIVE_READ)
  // instead of every live claim of the board. Claims written before have none: always read.
  ['alter table claimboard_claims add column if not exists head text'],
];

export const SCHEMA_VERSION = MIGRATIONS.length;
