export { ScannerLineParser, encodeScanLine, type ScanLine, type ScannerLineOptions } from './lineParser.ts';
export { splitSymbology, type Symbology } from './symbology.ts';
export { BarcodeScanner, type BarcodeScannerOptions, type ScanEvent } from './barcodeScanner.ts';
