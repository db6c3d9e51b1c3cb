/**
 * CRC-16 variants used by our serial protocols, table driven (one table lookup per byte).
 *
 * | name                | poly (normal / reflected) | init   | refin/refout | xorout | check("123456789") |
 * |---------------------|---------------------------|--------|--------------|--------|--------------------|
 * | CRC-16/MODBUS       | 0x8005 / 0xA001           | 0xFFFF | true / true  | 0x0000 | 0x4B37             |
 * | CRC-16/CCITT-FALSE  | 0x1021 / -                | 0xFFFF | false / false| 0x0000 | 0x29B1             |
 *
 * (CRC-16/CCITT-FALSE is called CRC-16/IBM-3740 in the crc catalogue.)
 * Modbus puts its CRC on the wire low byte first; the dorfpunkt I/O board protocol puts
 * CRC-16/CCITT-FALSE high byte first (see firmware-bridge/PROTOCOL.md).
 */

const MODBUS_TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

const CCITT_TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/MODBUS over `data[start, end)`. */
export function crc16Modbus(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ (MODBUS_TABLE[(crc ^ (data[i] as number)) & 0xff] as number);
  }
  return crc;
}

/** CRC-16/CCITT-FALSE (CRC-16/IBM-3740) over `data[start, end)`. */
export function crc16CcittFalse(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CCITT_TABLE[((crc >>> 8) ^ (data[i] as number)) & 0xff] as number);
  }
  return crc;
}
