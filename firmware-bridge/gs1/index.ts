export { gs1CheckDigit, hasValidCheckDigit } from './checkDigit.ts';
export { parseGs1Date, type Gs1Date } from './dates.ts';
export { aiSpec, lookupAi, type AiSpec } from './ais.ts';
export { GS, parseGs1ElementString, type Gs1Data, type Gs1Element, type Gs1Options, type Gs1Result, type NetWeight } from './elementString.ts';
export { GS1_SYMBOLOGIES, parseBarcode, type Barcode, type BarcodeResult } from './barcode.ts';
export { isExpired, type ExpiryOptions } from './expiry.ts';
