/**
 * The point's live state over the contract's WebSocket, reconnecting after a controller restart
 * (0.5 s, doubling to 5 s). Reports the connection and every snapshot; a message this kiosk does
 * not know is ignored.
 */
import { decodeLiveMessage, liveUrl, type PointSnapshotData } from '../../controller/contract/kiosk/index.ts';

export interface LiveHandlers {
  onState(state: PointSnapshotData): void;
  onConnection(up: boolean): void;
  /** A serial scanner at the point read a code. */
  onScan?(code: string): void;
}

export function connectLive(origin: string, h: LiveHandlers): () => void {
  let ws: WebSocket | undefined;
  let delay = 500;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = (): void => {
    ws = new WebSocket(liveUrl(origin));
    ws.onmessage = (ev) => {
      const r = decodeLiveMessage(String(ev.data));
      if (!r.ok) return;
      delay = 500;
      h.onConnection(true);
      if (r.value.type === 'state') h.onState(r.value.state);
      else if (r.value.type === 'scan') h.onScan?.(r.value.code);
    };
    ws.onclose = () => {
      h.onConnection(false);
      if (stopped) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    ws?.close();
  };
}
