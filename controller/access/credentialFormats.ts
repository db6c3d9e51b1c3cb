/** The credential formats live in the wire contract (the kiosk and the backoffice check them too); re-exported for the point's code. */
export * from '../contract/credentialFormats.ts';
