export * from './types.ts';
export { ModbusValidationError, validateRequest, checkUnicastAddress } from './validate.ts';
export { encodeRequest, encodeResponse, decodeRequest, decodeResponse } from './codec.ts';
export { ModbusRequestParser, ModbusResponseParser, expectationFor, type IncomingRequest, type ResponseExpectation } from './parser.ts';
export { ModbusMaster, type ModbusMasterOptions, type ModbusResult } from './master.ts';
export {
  RelayBoard,
  InputBoard,
  TempHumiditySensor,
  type RelayBoardOptions,
  type InputBoardOptions,
  type TempHumidityOptions,
  type TempHumidityReading,
} from './boards.ts';
