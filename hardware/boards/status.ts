import { describeLinkStatus, type LinkStatus } from '../../firmware-bridge/transport/link.ts';

/** What the controller shows and reports for each link and board. */
export type HealthState = 'ok' | 'degraded' | 'lost';

export interface Health {
  status: HealthState;
  /** English detail for logs and technicians ("reconnecting in 4 s (attempt 3): ..."). */
  detail?: string;
}

export interface StatusEntry extends Health {
  kind: 'link' | 'board';
  /** link: its canonical URL; board: the profile's board id */
  id: string;
  /** display name, e.g. `Link tcp://127.0.0.1:4001`, `Board schliessfach-1 (kerong @0)` */
  name: string;
}

/** A link's status as health: connected = ok, anything else = lost (with why and when the next try is). */
export function linkHealth(status: LinkStatus): Health {
  return status.state === 'connected' ? { status: 'ok' } : { status: 'lost', detail: describeLinkStatus(status) };
}

/**
 * Consecutive-failure accounting for drivers without their own health (Modbus boards, polls):
 * one failure = degraded, `lostAfter` in a row = lost, one success = ok.
 */
export class FailureCounter {
  private failures = 0;
  private lastError = '';

  constructor(private readonly lostAfter = 3) {}

  ok(): void {
    this.failures = 0;
    this.lastError = '';
  }

  fail(error: string): void {
    this.failures++;
    this.lastError = error;
  }

  get health(): Health {
    if (this.failures === 0) return { status: 'ok' };
    return {
      status: this.failures >= this.lostAfter ? 'lost' : 'degraded',
      detail: `${this.failures} failed request${this.failures === 1 ? '' : 's'} in a row: ${this.lastError}`,
    };
  }
}
