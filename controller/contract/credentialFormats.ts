/**
 * The textual formats of credentials, defined ONCE and imported by every boundary that checks
 * them (HTTP entry route and kiosk contract, access decision, downlink changes, CLI), so that what the backoffice
 * provisions is exactly what a reader may present.
 *
 * The `*_SOURCE` strings are for JSON schemas (TypeBox/Ajv `pattern`); the RegExps for code.
 */

/** Card UID: 1-64 characters of [A-Za-z0-9:_-] (hex with or without colons, vendor ids like `AB_12`). */
export const CARD_UID_PATTERN_SOURCE = '^[A-Za-z0-9:_-]{1,64}$';
export const CARD_UID_PATTERN = new RegExp(CARD_UID_PATTERN_SOURCE);
export const CARD_UID_MAX_LENGTH = 64;
export const CARD_UID_DESCRIPTION = '1-64 characters of [A-Za-z0-9:_-]';

/** PIN: 4 to 12 digits. */
export const PIN_PATTERN_SOURCE = '^[0-9]{4,12}$';
export const PIN_PATTERN = new RegExp(PIN_PATTERN_SOURCE);
export const PIN_MIN_LENGTH = 4;
export const PIN_MAX_LENGTH = 12;
export const PIN_DESCRIPTION = '4-12 digits';

/** Longest credential token text (`DP1.` + base64url) accepted anywhere; typical tokens are ~131 characters. */
export const MAX_TOKEN_TEXT_LENGTH = 512;
