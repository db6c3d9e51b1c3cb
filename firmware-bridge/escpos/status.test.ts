/**
 * Status bytes as the printer manuals print them (not as our simulator makes them):
 *  Epson TM-U220 technical reference, DLE EOT (easymanua.ls/epson/tm-u220a/manual?p=54 and p=55):
 *    n=1 bit 3 "On 08 Offline"; n=2 bit 2 "On 04 The roll paper cover is opened", bit 5 "On 20
 *    Printing stops due to paper end", bit 6 "On 40 Error occurred"; n=3 bit 3 "On 08 Autocutter
 *    error occurred", bit 5 "On 20 Unrecoverable error", bit 6 "On 40 Automatically recoverable
 *    error"; n=4 bits 2,3 "On 0C paper near end", bits 5,6 "On 60 paper not present";
 *    fixed: bit 1 "On 02", bit 4 "On 10", bits 0 and 7 Off.
 *  Citizen CT-S2000 manual (n=4 with one bit per sensor: 04 / 08 near end, 20 / 40 paper end).
 */
import { describe, expect, it } from 'vitest';
import { isStatusByte, parseErrorCause, parseOfflineCause, parsePaperSensor, parsePrinterStatus, parseStatusByte, statusByte } from './status.ts';

describe('DLE EOT status bytes', () => {
  it('reads an online printer (0x12 = fixed bits only) and an offline one (0x12 + 0x08)', () => {
    expect(parsePrinterStatus(0x12)).toEqual({ known: true, raw: 0x12, offline: false, drawerPin3High: false });
    expect(parsePrinterStatus(0x1a)).toMatchObject({ known: true, offline: true });
    expect(parsePrinterStatus(0x16)).toMatchObject({ known: true, offline: false, drawerPin3High: true });
  });

  it('reads the offline cause: cover open 0x04, paper-end stop 0x20, error 0x40, FEED button 0x08', () => {
    expect(parseOfflineCause(0x16)).toEqual({ known: true, raw: 0x16, coverOpen: true, feedButton: false, paperEndStop: false, error: false });
    expect(parseOfflineCause(0x32)).toMatchObject({ coverOpen: false, paperEndStop: true, error: false });
    expect(parseOfflineCause(0x52)).toMatchObject({ error: true, paperEndStop: false });
    expect(parseOfflineCause(0x1a)).toMatchObject({ feedButton: true });
  });

  it('reads the error cause: autocutter 0x08, unrecoverable 0x20, automatically recoverable 0x40', () => {
    expect(parseErrorCause(0x1a)).toMatchObject({ known: true, autocutter: true, unrecoverable: false, autoRecoverable: false });
    expect(parseErrorCause(0x32)).toMatchObject({ unrecoverable: true });
    expect(parseErrorCause(0x52)).toMatchObject({ autoRecoverable: true });
  });

  it('reads paper near end (0x0C) and paper out (0x60), also from printers that set one bit of the pair', () => {
    expect(parsePaperSensor(0x12)).toEqual({ known: true, raw: 0x12, nearEnd: false, paperOut: false });
    expect(parsePaperSensor(0x1e)).toMatchObject({ nearEnd: true, paperOut: false });
    expect(parsePaperSensor(0x72)).toMatchObject({ nearEnd: false, paperOut: true });
    expect(parsePaperSensor(0x7e)).toMatchObject({ nearEnd: true, paperOut: true });
    expect(parsePaperSensor(0x32)).toMatchObject({ paperOut: true }); // Citizen: paper-end sensor bit 5 only
    expect(parsePaperSensor(0x16)).toMatchObject({ nearEnd: true }); // Citizen: near-end sensor 1 only
  });

  it('treats a byte without the fixed bits as unknown, never as a status and never throwing', () => {
    for (const b of [0x00, 0xff, 0x13, 0x92, 0x02, 0x10, 0x41]) {
      expect(isStatusByte(b), `0x${b.toString(16)}`).toBe(false);
      for (const kind of [1, 2, 3, 4] as const) expect(parseStatusByte(kind, b)).toMatchObject({ known: false, raw: b });
    }
    expect(parsePrinterStatus(0xff)).toMatchObject({ detail: '0xFF is not a printer status byte (fixed bits 0,1,4,7 must read 0,1,1,0)' });
    expect(parsePrinterStatus(-1)).toMatchObject({ known: false });
    expect(parsePrinterStatus(Number.NaN)).toMatchObject({ known: false });
  });

  it('builds status bytes that read back as the state they describe (the simulator uses this)', () => {
    expect(statusByte(1, { offline: true })).toBe(0x1a);
    expect(statusByte(2, { coverOpen: true, error: true })).toBe(0x56);
    expect(statusByte(3, { autocutter: true })).toBe(0x1a);
    expect(statusByte(4, { nearEnd: true, paperOut: true })).toBe(0x7e);
    for (let b = 0; b < 256; b++) {
      const o = parseOfflineCause(b);
      if (o.known) expect(statusByte(2, o)).toBe(b); // every bit of n=2 has a meaning
      const e = parseErrorCause(b);
      if (e.known) expect(statusByte(3, e)).toBe(b);
    }
  });
});
