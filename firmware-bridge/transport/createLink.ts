import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { Link } from './link.ts';
import { parseLinkUrl, type LinkSpec } from './linkUrl.ts';
import type { SerialDiscoveryDeps } from './serialDiscovery.ts';
import { createSerialLink, type SerialPortFactory } from './serialLink.ts';
import { createTcpLink } from './tcpLink.ts';

export interface CreateLinkDeps {
  clock: Clock;
  logger: Logger;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  portFactory?: SerialPortFactory;
  discovery?: SerialDiscoveryDeps;
}

/** Build a (not yet started) Link from a spec or a link URL; throws `LinkUrlError` on a bad URL. */
export function createLink(specOrUrl: LinkSpec | string, deps: CreateLinkDeps): Link {
  const spec = typeof specOrUrl === 'string' ? parseLinkUrl(specOrUrl) : specOrUrl;
  const common = {
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
  };
  switch (spec.kind) {
    case 'tcp':
      return createTcpLink({ ...common, host: spec.host, port: spec.port });
    case 'serial':
      return createSerialLink({
        ...common,
        target: { path: spec.path },
        settings: spec.settings,
        ...(deps.portFactory ? { portFactory: deps.portFactory } : {}),
      });
    case 'usb':
      return createSerialLink({
        ...common,
        target: { usb: { vendorId: spec.vendorId, productId: spec.productId, ...(spec.serialNumber ? { serialNumber: spec.serialNumber } : {}) } },
        settings: spec.settings,
        ...(deps.portFactory ? { portFactory: deps.portFactory } : {}),
        ...(deps.discovery ? { discovery: deps.discovery } : {}),
      });
  }
}
