export { cobsDecode, cobsEncode } from './cobs.ts';
export { IoFrameParser, encodeIoFrame, ioFrameEncoder, IoFrameError, PROTOCOL_VERSION, MAX_PAYLOAD, type IoFrame } from './frame.ts';
export { MsgType, NakCode, NAK_NAMES, BootReason, TEMP_FAULT, decodeMessage, messagePayload, toFrame, type BoardInfo, type IoMessage } from './messages.ts';
export { IoBoard, type IoBoardOptions, type IoBoardEvent, type IoBoardHealth, type IoResult } from './ioBoard.ts';
