import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { Session } from '../session/session.ts';
import type { Link } from '../transport/link.ts';
import { kerongRequestEncoder, type KerongReply, type KerongRequest } from './codec.ts';
import { createKerongReplyParser } from './parser.ts';

export interface KerongSessionOptions {
  link: Link;
  clock: Clock;
  logger: Logger;
  defaultTimeoutMs?: number;
}

/** A Session speaking Kerong on a link (one per link/bus; several KerongBoards may share it). */
export function createKerongSession(opts: KerongSessionOptions): Session<KerongRequest, KerongReply> {
  return new Session<KerongRequest, KerongReply>({
    link: opts.link,
    encoder: kerongRequestEncoder,
    parser: createKerongReplyParser(),
    clock: opts.clock,
    logger: opts.logger,
    defaultTimeoutMs: opts.defaultTimeoutMs ?? 300,
  });
}
